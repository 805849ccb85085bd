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
