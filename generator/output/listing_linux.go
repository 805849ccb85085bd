package output

import (
	"encoding/binary"

	"golang.org/x/sys/unix"
)

// listFiles lists the regular files under dest (slash paths relative to it); ok is false
// when dest cannot be read whole or holds anything but folders and regular files (a
// symbolic link, a device). It reads each folder once, through the folder above it,
// without asking for anything the entries do not say: 34,000 folders at 10,000
// proposals in two languages, listed at every build.
func listFiles(dest string) (files map[string]bool, ok bool) {
	fd, err := openDir(unix.AT_FDCWD, dest)
	if err != nil {
		return nil, false
	}
	files = map[string]bool{}
	if !listInto(fd, "", make([]byte, 64<<10), files) {
		return nil, false
	}
	return files, true
}

func openDir(at int, name string) (int, error) {
	for {
		fd, err := unix.Openat(at, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if err != unix.EINTR {
			return fd, err
		}
	}
}

// listInto adds the files of the folder open at fd to files, each named prefix and its
// path below the folder, and closes fd. buf is where the entries are read, reused by
// the folders below once this one's are all read.
func listInto(fd int, prefix string, buf []byte, files map[string]bool) bool {
	defer unix.Close(fd)
	var dirs []string
	for {
		n, err := unix.Getdents(fd, buf)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return false
		}
		if n == 0 {
			break
		}
		for off := 0; off < n; {
			// struct linux_dirent64: inode (8), offset (8), record length (2), type (1),
			// then the name, ended by a NUL within the record.
			if off+19 > n {
				return false
			}
			reclen := int(binary.NativeEndian.Uint16(buf[off+16:]))
			if reclen < 19 || off+reclen > n {
				return false
			}
			typ, name := buf[off+18], buf[off+19:off+reclen]
			for i, c := range name {
				if c == 0 {
					name = name[:i]
					break
				}
			}
			off += reclen
			if string(name) == "." || string(name) == ".." {
				continue
			}
			if typ == unix.DT_UNKNOWN { // a file system that does not say: ask
				var st unix.Stat_t
				if unix.Fstatat(fd, string(name), &st, unix.AT_SYMLINK_NOFOLLOW) != nil {
					return false
				}
				switch st.Mode & unix.S_IFMT {
				case unix.S_IFDIR:
					typ = unix.DT_DIR
				case unix.S_IFREG:
					typ = unix.DT_REG
				}
			}
			switch typ {
			case unix.DT_DIR:
				dirs = append(dirs, string(name))
			case unix.DT_REG:
				files[prefix+string(name)] = true
			default:
				return false
			}
		}
	}
	for _, d := range dirs {
		sub, err := openDir(fd, d)
		if err != nil || !listInto(sub, prefix+d+"/", buf, files) {
			return false
		}
	}
	return true
}
