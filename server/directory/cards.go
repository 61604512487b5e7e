package directory

import (
	"context"

	"github.com/deskline/deskline/contacts"
)

// Cards returns a Source that serves the vCards in data, named name: a
// book built into the program (the demo's company directory).
func Cards(norm *contacts.Normalizer, name string, data []byte) Source {
	return cards{norm: norm, name: name, data: data}
}

type cards struct {
	norm *contacts.Normalizer
	name string
	data []byte
}

func (c cards) Fetch(ctx context.Context, _ *Book) (*Book, error) {
	cs, warns := c.norm.ParseCards(c.name, c.data, contacts.Limits{})
	nb := &Book{Contacts: cs, Transferred: len(cs)}
	for _, w := range warns {
		nb.Warnings = append(nb.Warnings, w.String())
	}
	return nb, ctx.Err()
}
