package search

// PrefixOf is prefixOf, for the tests of package search_test.
var PrefixOf = prefixOf

// PreviewsPerTerm is previewsPerTerm, for the tests of the bundle's format.
const PreviewsPerTerm = previewsPerTerm
