package authz

import "strings"

// appendUniqueTo appends s to list unless an entry equals it ASCII/Unicode
// case-insensitively (the de-duplication of appendUnique, without the
// initial allocation: list may be a slice of the evaluator's string table).
func appendUniqueTo(list []string, s string) []string {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return list
		}
	}
	return append(list, s)
}
