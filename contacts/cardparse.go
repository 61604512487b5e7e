package contacts

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"

	"github.com/emersion/go-vcard"
)

// maxLineFaults is how many dropped lines of one card are quoted in
// warnings; the rest are counted.
const maxLineFaults = 3

// cardParser turns raw cards into Contacts. One per worker goroutine: it
// reuses its buffers and interns phone type lists.
type cardParser struct {
	norm  *Normalizer
	lim   Limits
	raw   []byte
	rd    *bytes.Reader
	br    *bufio.Reader
	types map[string][]string
	lower map[string]string // lowerType's memo
}

func newCardParser(norm *Normalizer, lim Limits) *cardParser {
	rd := bytes.NewReader(nil)
	return &cardParser{norm: norm, lim: lim, rd: rd, br: bufio.NewReader(rd), types: map[string][]string{}, lower: map[string]string{}}
}

// cardResult is what one raw card gave: a contact or nothing, and warnings.
type cardResult struct {
	contact *Contact
	uid     string
	warns   []Warning
}

// parse reads one card. Nothing in it can fail the file: every problem is
// a warning naming the file, the card and (when known) its FN.
func (p *cardParser) parse(file, text string, rc rawCard) (res cardResult) {
	name := ""
	warn := func(format string, args ...any) {
		res.warns = append(res.warns, Warning{File: file, Card: rc.index, Name: name, Err: fmt.Errorf(format, args...)})
	}
	if rc.tooBig {
		name = findFN(text[rc.start:rc.end])
		warn("card is larger than %d bytes (the MaxCardSize limit); skipped", p.lim.MaxCardSize)
		return res
	}
	faults, guessed := p.clean(text[rc.start:rc.end], rc.line+1, &name)
	if rc.noEnd != "" {
		warn("%s", rc.noEnd)
	}
	for i, f := range faults {
		if i == maxLineFaults {
			warn("%d more line(s) ignored", len(faults)-maxLineFaults)
			break
		}
		warn("line %d: %s; ignored: %q", f.line, f.why, excerpt(f.text))
	}
	if guessed {
		warn("text is not UTF-8 and names no charset; read as Windows-1252 (Latin-1)")
	}
	card, err := p.decode()
	if err != nil {
		warn("%v; card skipped", err)
		return res
	}
	c, problems := p.contact(card, file, rc.index)
	if name == "" && c != nil {
		name = c.DisplayName()
	}
	for _, pr := range problems {
		warn("%s", pr)
	}
	res.contact, res.uid = c, strings.TrimSpace(card.Value(vcard.FieldUID))
	return res
}

// clean runs the first pass over a card's lines into p.raw, ready for
// go-vcard, and notes the card's FN for warnings.
func (p *cardParser) clean(text string, firstLine int, name *string) (faults []lineFault, guessed bool) {
	p.raw = append(p.raw[:0], "BEGIN:VCARD\r\n"...)
	eachLogicalLine(text, firstLine, func(line string, lineNo int) {
		if strings.TrimSpace(line) == "" {
			return
		}
		c, why := cleanLine(line)
		if why != "" {
			faults = append(faults, lineFault{line: lineNo, why: why, text: line})
			return
		}
		guessed = guessed || c.guessed
		if c.prop == vcard.FieldFormattedName && *name == "" {
			*name = strings.TrimSpace(unescapeText(c.value))
		}
		p.raw = append(p.raw, c.text...)
		p.raw = append(p.raw, "\r\n"...)
	})
	p.raw = append(p.raw, "END:VCARD\r\n"...)
	return faults, guessed
}

// decode hands the cleaned card to go-vcard. A panic in the parser would
// be a bug there, but one card must not take the load down with it.
func (p *cardParser) decode() (card vcard.Card, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("vCard parser failed: %v", r)
		}
	}()
	p.rd.Reset(p.raw)
	p.br.Reset(p.rd)
	return vcard.NewDecoder(p.br).Decode()
}

// findFN finds the FN of a card that is not parsed (too big), for the
// warning that says so.
func findFN(text string) string {
	for pos := 0; pos < len(text); {
		line, next := nextLine(text, pos)
		if len(line) > 3 && strings.EqualFold(line[:3], "FN:") {
			return excerpt(strings.TrimSpace(line[3:]))
		}
		pos = next
	}
	return ""
}
