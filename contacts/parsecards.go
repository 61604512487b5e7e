package contacts

import "fmt"

// CardParser parses vCards that arrive as bytes rather than files: a
// CardDAV object, an upload. It runs the same tolerant path as Load
// (splitting, repairs, go-vcard, mapping) one book at a time on the
// calling goroutine, and reuses its buffers from one call to the next.
// Not safe for concurrent use: one per goroutine.
type CardParser struct {
	p   *cardParser
	lim Limits
}

// NewCardParser returns a parser that normalises numbers with n and bounds
// its input with lim (zero fields mean the defaults).
func (n *Normalizer) NewCardParser(lim Limits) *CardParser {
	lim = lim.withDefaults()
	return &CardParser{p: newCardParser(n, lim), lim: lim}
}

// Parse reads the cards in data as Load reads a file named name: each
// contact's ID is name + "#" + its UID (or "#" + the card's index when it
// has none or shares it), its Book is name, and every problem is a
// Warning naming name and the card; nothing in data can fail the call.
// data larger than Limits.MaxFileSize is skipped with a warning.
func (cp *CardParser) Parse(name string, data []byte) ([]*Contact, []Warning) {
	b := &bookFile{path: name}
	if int64(len(data)) > cp.lim.MaxFileSize {
		return nil, []Warning{{File: name, Err: fmt.Errorf("%d bytes, more than %d (the MaxFileSize limit); skipped", len(data), cp.lim.MaxFileSize)}}
	}
	splitBook(b, data, cp.lim)
	b.results = make([]cardResult, len(b.cards))
	for i, rc := range b.cards {
		b.results[i] = cp.p.parse(name, b.text, rc)
	}
	contacts, warns := assembleBook(b, nil)
	b.text = ""
	return contacts, capWarnings(name, warns)
}

// ParseCards parses the vCards in data, named name, with a parser made
// for the one call; see [CardParser.Parse]. Parsing many small books
// (one per CardDAV object) is cheaper with one [CardParser].
func (n *Normalizer) ParseCards(name string, data []byte, lim Limits) ([]*Contact, []Warning) {
	return n.NewCardParser(lim).Parse(name, data)
}
