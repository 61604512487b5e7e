package app_test

import (
	"testing"
	"time"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/internal/testoffice"
	"github.com/deskline/deskline/internal/testoffice/testdesk"
)

// Typing "clara schmidt" into a search field of a desk on a real server
// with a directory, one key every interval: how many answers (searches
// sent and answered in time) per name typed, and how long after the last
// key its rows are merged (FindDebounce plus the round trip).
//
//	go test -run '^$' -bench FinderTyping -benchtime 5x ./app
func BenchmarkFinderTyping(b *testing.B) {
	o := testoffice.Start(b, nil, testoffice.WithDirectory)
	d := testdesk.Open(b, o, "ann")
	for deadline := time.Now().Add(10 * time.Second); len(d.Client.State().Directory) == 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			b.Fatal("no directory in the welcome")
		}
	}
	const name = "clara schmidt"
	for _, every := range []time.Duration{40 * time.Millisecond, 100 * time.Millisecond, 200 * time.Millisecond} {
		b.Run("key every "+every.String(), func(b *testing.B) {
			type answer struct {
				app.Answer
				at time.Time
			}
			answers := make(chan answer, 64)
			f := app.NewFinder(app.Find{Books: d.Books, Numbers: d.Numbers}, d.Client, func(a app.Answer) { answers <- answer{a, time.Now()} })
			var handed int // answers handed on
			var wait time.Duration
			for b.Loop() {
				var last time.Time
				for i := 1; i <= len(name); i++ {
					last = time.Now()
					f.Type(d.Client.State(), name[:i])
					time.Sleep(every)
				}
				for a := range answers {
					handed++
					if a.Text == name {
						wait += a.at.Sub(last)
						break
					}
				}
			}
			b.ReportMetric(float64(handed)/float64(b.N), "answers/name")
			b.ReportMetric(float64(wait.Milliseconds())/float64(b.N), "ms-after-last-key")
		})
	}
}
