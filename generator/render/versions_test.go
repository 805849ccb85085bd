package render

import "testing"

func TestDemoteHeadingsPlacesATextUnderAnAction(t *testing.T) {
	in := `<h2 id="stato">Stato</h2><p>x</p><h3 id="a-b">A</h3><h4>B</h4><p>&lt;h2&gt;</p>`
	want := `<h5>Stato</h5><p>x</p><h6>A</h6><h6>B</h6><p>&lt;h2&gt;</p>`
	if got := demoteHeadings(in); got != want {
		t.Errorf("demoteHeadings:\n got %s\nwant %s", got, want)
	}
}
