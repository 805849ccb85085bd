//go:build unix

package history

import "golang.org/x/sys/unix"

// lstamp is the state of the file name (not following a symbolic link) as Git's index
// records it, with the mode reduced as Git does (a regular file is 0100644 or 0100755).
func lstamp(name string) (stamp, error) {
	var st unix.Stat_t
	if err := unix.Lstat(name, &st); err != nil {
		return stamp{}, err
	}
	mode := uint32(st.Mode)
	switch mode & unix.S_IFMT {
	case unix.S_IFREG:
		if mode&0o100 != 0 {
			mode = 0o100755
		} else {
			mode = 0o100644
		}
	case unix.S_IFLNK:
		mode = 0o120000
	default:
		mode = 0 // nothing the index holds as a file
	}
	return stamp{
		ctime: uint32(st.Ctim.Sec), ctimeNsec: uint32(st.Ctim.Nsec),
		mtime: uint32(st.Mtim.Sec), mtimeNsec: uint32(st.Mtim.Nsec),
		ino: uint32(st.Ino), mode: mode, uid: st.Uid, gid: st.Gid, size: uint32(st.Size),
	}, nil
}
