package site

import "testing"

func TestURLLenIsTheLengthOfTheURL(t *testing.T) {
	for _, it := range []*Item{
		{Section: Proposals, ID: "x"},
		{Section: Practices, ID: "una-pratica"},
		{Namespace: "regione/", Section: Actions, ID: "az-01"},
	} {
		if got, want := it.URLLen(), len(it.URL()); got != want {
			t.Errorf("%s: URLLen %d, want %d", it.URL(), got, want)
		}
	}
}

// The URL made when an item joins Items is returned by Key and URL without a new string,
// and never once the item's namespace, section or id say otherwise, even when the new
// URL has the same length as the old.
func TestKeyAndURLFollowTheFieldsAfterTheURLIsMade(t *testing.T) {
	want := func(it *Item) (string, string) {
		k := it.Namespace + string(it.Section) + "/" + it.ID
		return k, "/" + k + "/"
	}
	it := &Item{Section: Proposals, ID: "ab"}
	s := &Site{Items: map[string]*Item{}}
	s.addItem(it)
	if s.Items["proposals/ab"] != it {
		t.Fatalf("addItem stored it under %v", s.Items)
	}
	if n := testing.AllocsPerRun(100, func() { _, _ = it.Key(), it.URL() }); n != 0 {
		t.Errorf("Key and URL of an added item allocate %v times, want 0", n)
	}
	for _, change := range []func(){
		func() { it.ID = "ba" },                          // same length, other id
		func() { it.ID = "b/" },                          // a slash where the old had none
		func() { it.Section, it.ID = Practices, "a" },    // section and id of the same total length
		func() { it.Namespace, it.ID = "bodies/x/", "" }, // namespace
		func() { it.Namespace, it.Section, it.ID = "", "proposalsa", "b" },
		func() { it.Namespace, it.Section, it.ID = "", "proposals", "ab" }, // back: the URL made is right again
	} {
		change()
		k, u := want(it)
		if got := it.Key(); got != k {
			t.Errorf("Key() = %q, want %q", got, k)
		}
		if got := it.URL(); got != u {
			t.Errorf("URL() = %q, want %q", got, u)
		}
	}
	var zero Item
	if zero.Key() != "/" || zero.URL() != "///" {
		t.Errorf("zero item: Key %q, URL %q", zero.Key(), zero.URL())
	}
}
