package main

import (
	"io"
	"log/slog"
	"slices"
	"testing"
)

// One link per hand-off: the first of several is used, none stays none.
func TestOneLink(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, tc := range []struct{ in, want []string }{
		{nil, nil},
		{[]string{"tel:201"}, []string{"tel:201"}},
		{[]string{"tel:201", "tel:202", "sip:203@pbx"}, []string{"tel:201"}},
	} {
		if got := oneLink(tc.in, log); !slices.Equal(got, tc.want) {
			t.Errorf("oneLink(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
