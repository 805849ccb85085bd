// Package theme finds a portal's templates, static files, translations and archetypes
// through a chain of folders: the site itself, then the theme named in pspm.yaml, then the
// default theme built into pspm. The first folder that has a file wins, file by file, so a
// site overrides one template or one string without copying the theme.
package theme

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/pspm-dev/pspm/themes"
)

// Chain is the ordered list of folders where theme files are looked up.
type Chain struct {
	layers []layer
}

type layer struct {
	name string // for messages: "site", "theme x", "built-in"
	fsys fs.FS
}

// BuiltIn is the name of the built-in theme's layer, as ReadFile gives it.
const BuiltIn = "built-in"

// New returns the chain for a site: site (may be nil), the theme folder named by name
// relative to the site (unless name is "default" or empty), and the built-in theme.
func New(siteFS fs.FS, name string) (*Chain, error) {
	c := &Chain{}
	if siteFS != nil {
		c.layers = append(c.layers, layer{"site", siteFS})
	}
	if name != "" && name != "default" {
		clean := path.Clean(strings.TrimPrefix(name, "./"))
		if !fs.ValidPath(clean) || siteFS == nil {
			return nil, fmt.Errorf("theme %q must be a folder inside the site", name)
		}
		if fi, err := fs.Stat(siteFS, clean); err != nil || !fi.IsDir() {
			return nil, fmt.Errorf("theme %q: no such folder in the site", name)
		}
		if err := noLink(siteFS, clean); err != nil {
			return nil, fmt.Errorf("theme %q: %w", name, err)
		}
		sub, err := fs.Sub(siteFS, clean)
		if err != nil {
			return nil, err
		}
		c.layers = append(c.layers, layer{"theme " + name, sub})
	}
	c.layers = append(c.layers, layer{BuiltIn, themes.Default()})
	return c, nil
}

// ReadFile returns the first file named name in the chain, and the name of the layer it
// came from.
func (c *Chain) ReadFile(name string) ([]byte, string, error) {
	for _, l := range c.layers {
		data, err := readFile(l.fsys, name)
		if err == nil {
			return data, l.name, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, l.name, err
		}
	}
	return nil, "", fmt.Errorf("%s: %w", name, fs.ErrNotExist)
}

// ReadAll returns every version of name in the chain, from the most specific (the site)
// to the built-in one, for files that merge key by key such as translations.
func (c *Chain) ReadAll(name string) ([][]byte, error) {
	var out [][]byte
	for _, l := range c.layers {
		data, err := readFile(l.fsys, name)
		if err == nil {
			out = append(out, data)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	return out, nil
}

// File is a file found in the chain.
type File struct {
	Name  string // path relative to the listed folder
	Layer string
	fsys  fs.FS
	path  string
}

// Read returns the file's content.
func (f File) Read() ([]byte, error) { return readFile(f.fsys, f.path) }

// Path is where the file is, for messages: relative to the site's folder for the site's
// own files and a theme folder's ("themes/x/static/css/a.css"), relative to the built-in
// theme for its files.
func (f File) Path() string {
	if name, ok := strings.CutPrefix(f.Layer, "theme "); ok {
		return path.Join(name, f.path)
	}
	return f.path
}

// Files lists the regular files under dir across the chain, each from the first layer that
// has it, sorted by name. Dotfiles are left out; a symbolic link under dir, or a folder
// dir reached through one, is an error: a link is never followed.
func (c *Chain) Files(dir string) ([]File, error) {
	seen := map[string]bool{}
	var out []File
	for _, l := range c.layers {
		if err := noLink(l.fsys, dir); err != nil {
			return nil, err
		}
		err := fs.WalkDir(l.fsys, dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					return fs.SkipAll
				}
				return err
			}
			if strings.HasPrefix(d.Name(), ".") && p != dir {
				if d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.Type()&fs.ModeSymlink != 0 {
				return fmt.Errorf("%s: a symbolic link, which is never followed; commit the file itself", p)
			}
			if !d.Type().IsRegular() {
				return nil
			}
			rel := strings.TrimPrefix(p, dir+"/")
			if !seen[rel] {
				seen[rel] = true
				out = append(out, File{Name: rel, Layer: l.name, fsys: l.fsys, path: p})
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// noLink refuses a folder reached through a symbolic link: static/ linked to .git would
// publish the checkout's Git configuration, although the link stays inside the site.
// Links inside the folder are refused by Files.
func noLink(fsys fs.FS, dir string) error {
	for p := dir; p != "."; p = path.Dir(p) {
		if fi, err := fs.Lstat(fsys, p); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			return fmt.Errorf("%s: a symbolic link, which is never followed; commit the folder itself", p)
		}
	}
	return nil
}

// readFile reads the file name of fsys without following a symbolic link, in its folders
// or as the file itself: an i18n/it.yaml linked to .git/config would be read, and its
// lines quoted in an error message a CI log shows to everyone. A link is an error that
// says so, never fs.ErrNotExist, so that the chain does not quietly fall back to the next
// layer.
func readFile(fsys fs.FS, name string) ([]byte, error) {
	if nf, ok := fsys.(interface {
		ReadFileNoFollow(name string, limit int64) ([]byte, error)
	}); ok {
		data, err := nf.ReadFileNoFollow(name, 0)
		if err != nil && !errors.Is(err, fs.ErrNotExist) && linked(fsys, name) {
			return nil, fmt.Errorf("%s: a symbolic link, which is never followed; commit the file itself", name)
		}
		return data, err
	}
	if linked(fsys, name) {
		return nil, fmt.Errorf("%s: a symbolic link, which is never followed; commit the file itself", name)
	}
	return fs.ReadFile(fsys, name)
}

// linked tells whether name, or a folder on its way, is a symbolic link in fsys.
func linked(fsys fs.FS, name string) bool {
	for p := name; p != "." && p != "/" && p != ""; p = path.Dir(p) {
		if fi, err := fs.Lstat(fsys, p); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			return true
		}
	}
	return false
}
