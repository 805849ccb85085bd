package search

// PrefixOf is prefixOf, for the tests of package search_test.
var PrefixOf = prefixOf
