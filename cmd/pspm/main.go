// Command pspm builds, checks and serves a participatory strategic planning portal.
//
// It only turns flags into calls to the generator library; see generator/doc.go.
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
