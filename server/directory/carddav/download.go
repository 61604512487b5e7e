package carddav

import (
	"context"
	"fmt"
	"net/http"

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
}

type downloads struct {
	cards       map[string]downloaded
	transferred int // cards whose text was downloaded
}

// download fetches and parses the hrefs in batches. A card too large by
// its listed length is not downloaded; one too large or broken when it
// arrives is a warning. A failed request fails the download, and so does
// a card the listing or sync just named that the multiget does not give
// (see multiget).
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

// multiget downloads one batch. Every href asked for must come back with
// its data: one left out of the 207 answer, or answered 404 though the
// listing or sync just named it, is a server glitch or a deletion since
// (the next sync will say which), never a reason to drop the card. The
// fetch fails, naming how many and one of them, and the book keeps its
// last copy.
func (s *Source) multiget(ctx context.Context, book string, hrefs []string, d *downloads) error {
	objs, err := s.davRequest(ctx, "REPORT", book, "1", multigetBody(hrefs))
	if err != nil {
		return err
	}
	notFound := map[string]bool{}
	for _, o := range objs {
		switch {
		case o.gone:
			notFound[o.href] = true
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
	var missing, gone []string
	for _, h := range hrefs {
		if _, ok := d.cards[h]; !ok {
			if notFound[h] {
				gone = append(gone, h)
			} else {
				missing = append(missing, h)
			}
		}
	}
	switch {
	case len(missing) > 0:
		return &Error{Method: "REPORT", URL: s.urlOf(book), Code: http.StatusMultiStatus, Err: fmt.Errorf(
			"%d of the %d cards asked for are not in the multiget answer (%s is one); the last copy is kept", len(missing), len(hrefs), missing[0])}
	case len(gone) > 0:
		return &Error{Method: "REPORT", URL: s.urlOf(book), Code: http.StatusMultiStatus, Err: fmt.Errorf(
			"%d of the %d cards asked for answered 404 Not Found though just listed (%s is one); the last copy is kept", len(gone), len(hrefs), gone[0])}
	}
	return nil
}
