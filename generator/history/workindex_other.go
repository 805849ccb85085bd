//go:build !unix

package history

import "errors"

// lstamp is not known here: no file is taken as Git's index describes it, and every
// file is read.
func lstamp(string) (stamp, error) { return stamp{}, errors.ErrUnsupported }
