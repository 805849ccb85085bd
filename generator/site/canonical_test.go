package site

import "testing"

// Paths that the duplicate rule takes for the same contribution have the same
// CanonicalFile, so that a withdrawn vote cannot come back by a change of case.
func TestCanonicalFileComparesContributionsWithoutCase(t *testing.T) {
	same := [][2]string{
		{"content/proposals/p1/reactions/c_h223.yaml", "content/proposals/p1/reactions/C_H223.yaml"},
		{"content/proposals/p1/reactions/c_h223.yaml.sig", "content/proposals/p1/reactions/C_h223.YAML.sig"},
		{"content/proposals/p1/reactions/c_h223.yaml", "content/proposals/p1/reactions/c-h223.yaml"},
		{"content/proposals/p1/feedback/m_ef-dubbi.md", "content/proposals/p1/feedback/M_EF-Dubbi.md"},
	}
	for _, p := range same {
		if a, b := CanonicalFile(p[0]), CanonicalFile(p[1]); a != b {
			t.Errorf("CanonicalFile(%q) = %q, CanonicalFile(%q) = %q; want the same", p[0], a, p[1], b)
		}
	}
	differ := [][2]string{
		{"content/proposals/p1/reactions/c_h223.yaml", "content/proposals/p2/reactions/c_h223.yaml"},
		{"content/proposals/p1/reactions/c_h223.yaml", "content/proposals/p1/reactions/c_h223.yaml.sig"},
		{"content/proposals/p1/feedback/m_ef-dubbi.md", "content/proposals/p1/feedback/m_ef_dubbi.md"},
	}
	for _, p := range differ {
		if CanonicalFile(p[0]) == CanonicalFile(p[1]) {
			t.Errorf("CanonicalFile(%q) = CanonicalFile(%q); want them apart", p[0], p[1])
		}
	}
}
