package carddav

import (
	"context"
	"fmt"

	"github.com/deskline/deskline/contacts"
)

// Multiget batches: few enough hrefs that one answer stays small and a
// slow server answers within the timeout, many enough that 10,000 cards
// take 50 requests, not 10,000.
const (
	// maxBatchCards is the most hrefs one addressbook-multiget asks for.
	maxBatchCards = 200
	// maxBatchBytes is the most card bytes (by getcontentlength, when the
	// listing gave it) one multiget asks for: a quarter of
	// maxResponseSize, leaving room for XML escaping and the envelope.
	maxBatchBytes = maxResponseSize / 4
)

// downloaded is what one href gave.
type downloaded struct {
	contacts []*contacts.Contact
	warnings []string
	etag     string // as the multiget gave it (sync-collection may give none)
	gone     bool   // deleted before it could be fetched
}

type downloads struct {
	cards       map[string]downloaded
	transferred int // cards whose text was downloaded
}

// download fetches and parses the hrefs in batches. A card too large by
// its listed length is not downloaded; one too large or broken when it
// arrives is a warning; a missing one is dropped. Only a failed request
// fails the download.
func (s *Source) download(ctx context.Context, book string, hrefs []string, lengths map[string]int64) (downloads, error) {
	d := downloads{cards: make(map[string]downloaded, len(hrefs))}
	var batch []string
	var size int64
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := s.multiget(ctx, book, batch, &d)
		batch, size = batch[:0], 0
		return err
	}
	for _, h := range hrefs {
		n, known := lengths[h]
		if known && n > int64(s.lim.MaxCardSize) {
			d.cards[h] = downloaded{warnings: []string{fmt.Sprintf("carddav: %s: card is %d bytes, more than %d (the MaxCardSize limit); skipped", h, n, s.lim.MaxCardSize)}}
			continue
		}
		if len(batch) == maxBatchCards || (known && n > 0 && size+n > maxBatchBytes) {
			if err := flush(); err != nil {
				return d, err
			}
		}
		batch = append(batch, h)
		if known && n > 0 {
			size += n
		}
	}
	return d, flush()
}

// multiget downloads one batch.
func (s *Source) multiget(ctx context.Context, book string, hrefs []string, d *downloads) error {
	objs, err := s.davRequest(ctx, "REPORT", book, "1", multigetBody(hrefs))
	if err != nil {
		return err
	}
	for _, o := range objs {
		switch {
		case o.gone:
			d.cards[o.href] = downloaded{gone: true}
		case o.hasData:
			d.transferred++
			cs, ws := s.parser.Parse(o.href, []byte(o.data))
			r := downloaded{contacts: cs, etag: o.etag}
			for _, w := range ws {
				r.warnings = append(r.warnings, w.String())
			}
			d.cards[o.href] = r
		}
	}
	for _, h := range hrefs {
		if _, ok := d.cards[h]; !ok {
			// Left out of the cursor, so the ETag listing asks again.
			d.cards[h] = downloaded{gone: true, warnings: []string{fmt.Sprintf("carddav: %s: not in the server's multiget answer; skipped", h)}}
		}
	}
	return nil
}
