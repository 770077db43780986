package awstables

import (
	"sort"
	"strconv"
	"strings"
)

var smallSizes = []string{"nano", "micro", "small", "medium", "large"}

// SizeRank orders instance sizes from the smallest: nano, micro, small, medium, large, xlarge, 2xlarge,
// ... 48xlarge, then metal sizes.
func SizeRank(size string) int {
	for i, s := range smallSizes {
		if size == s {
			return i
		}
	}
	if n, ok := strings.CutSuffix(size, "xlarge"); ok {
		if n == "" {
			return 10
		}
		if k, err := strconv.Atoi(n); err == nil {
			return 10 + k
		}
	}
	return 1000
}

// SortSizes sorts sizes from the smallest.
func SortSizes(sizes []string) {
	sort.SliceStable(sizes, func(i, j int) bool { return SizeRank(sizes[i]) < SizeRank(sizes[j]) })
}

// Sizes lists the sizes a table offers in family (family.size entries, db. ignored), smallest first.
func Sizes(table []string, family string) []string {
	var sizes []string
	for _, t := range table {
		if f, size, _ := strings.Cut(strings.TrimPrefix(t, "db."), "."); f == family {
			sizes = append(sizes, size)
		}
	}
	SortSizes(sizes)
	return sizes
}
