package synth

import (
	"os"
	"path/filepath"
)

// WriteTo is an emit function for Generate and RealPlanRepository that writes each file
// under the folder dir, making its folders.
func WriteTo(dir string) func(path string, data []byte) error {
	return func(p string, data []byte) error {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		return os.WriteFile(full, data, 0o644)
	}
}
