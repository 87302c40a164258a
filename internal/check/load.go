package check

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// LoadFS loads every check file (*.yaml, *.yml) under root in fsys,
// skipping testdata and hidden directories. It keeps going after a bad
// file: it returns every valid check, and all problems joined (nil if
// none), so the caller decides whether one bad custom check should stop a
// scan. Check.File is the file's path in fsys.
func LoadFS(fsys fs.FS, root string) ([]*Check, error) {
	return load(fsys, root, func(p string) string { return p })
}

// LoadDir is LoadFS on a directory of the file system; Check.File is the
// file's path joined to dir.
func LoadDir(dir string) ([]*Check, error) {
	return load(os.DirFS(dir), ".", func(p string) string { return filepath.Join(dir, filepath.FromSlash(p)) })
}

// IsCheckFile reports whether a file name is a check file by extension.
func IsCheckFile(name string) bool {
	ext := strings.ToLower(path.Ext(name))
	return ext == ".yaml" || ext == ".yml"
}

func load(fsys fs.FS, root string, display func(string) string) ([]*Check, error) {
	var checks []*Check
	var errs []error
	err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", display(p), err))
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if p != root && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) {
				return fs.SkipDir
			}
			return nil
		}
		if !IsCheckFile(d.Name()) {
			return nil
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", display(p), err))
			return nil
		}
		c, err := Parse(display(p), data)
		if err != nil {
			errs = append(errs, err)
			return nil
		}
		checks = append(checks, c)
		return nil
	})
	if err != nil {
		errs = append(errs, err)
	}
	checks, dupErr := Merge(checks)
	return checks, errors.Join(append(errs, dupErr)...)
}

// Merge combines sets of checks (built-in and custom directories),
// rejecting a check whose id is already taken: the first definition is
// kept, and the error names both files.
func Merge(sets ...[]*Check) ([]*Check, error) {
	seen := map[string]*Check{}
	var out []*Check
	var errs []error
	for _, set := range sets {
		for _, c := range set {
			if first, dup := seen[c.ID]; dup {
				errs = append(errs, &Error{File: c.File, Line: c.idLine,
					Msg: fmt.Sprintf("duplicate check id %q: already defined in %s", c.ID, location(first))})
				continue
			}
			seen[c.ID] = c
			out = append(out, c)
		}
	}
	return out, errors.Join(errs...)
}

// Unique reports every id defined more than once in cs, naming both files.
func Unique(cs []*Check) error {
	_, err := Merge(cs)
	return err
}

func location(c *Check) string {
	if c.idLine > 0 {
		return fmt.Sprintf("%s:%d", c.File, c.idLine)
	}
	return c.File
}
