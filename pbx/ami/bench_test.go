package ami

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// BenchmarkParseAndMap decodes every call-flow capture from its raw bytes
// and maps it onto Deskline events: the connector's work per AMI message
// (the link to Asterisk is faster than either). Reports AMI messages/s.
//
//	go test -run '^$' -bench ParseAndMap -benchmem ./pbx/ami/
func BenchmarkParseAndMap(b *testing.B) {
	var stream bytes.Buffer
	files, _ := filepath.Glob(filepath.Join(fixtures(b), "*.txt"))
	for _, f := range files {
		if strings.HasSuffix(f, ".annotated.txt") {
			continue
		}
		raw, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		_, body, _ := bytes.Cut(raw, []byte("\n")) // after the banner
		stream.Write(body)
		stream.WriteString("\r\n")
	}
	data := stream.Bytes()
	now := time.Now()
	clock := func() time.Time { return now }
	msgs, evs := 0, 0
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		m := newMapper(labDevices, clock)
		d := NewDecoder(bytes.NewReader(data))
		for {
			msg, err := d.Decode()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			msgs++
			evs += len(m.handle(msg))
		}
	}
	sec := b.Elapsed().Seconds()
	b.ReportMetric(float64(msgs)/sec, "msgs/s")
	b.ReportMetric(float64(evs)/sec, "events/s")
}
