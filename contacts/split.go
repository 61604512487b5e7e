package contacts

import (
	"fmt"
	"strings"
)

// rawCard is one card's place in a file's text, found before any parsing
// so that one broken card cannot take its neighbours with it.
type rawCard struct {
	index      int    // 1-based position in the file
	line       int    // line number of its BEGIN:VCARD
	start, end int    // byte range of the lines between BEGIN and END
	noEnd      string // why the card has no END:VCARD, when it has none
	tooBig     bool   // longer than Limits.MaxCardSize
}

// splitCards finds the cards in a file's text. It does what go-vcard's
// decoder cannot: a card missing its END stops at the next BEGIN instead of
// swallowing it, lines between cards are counted rather than fatal, and
// sizes are bounded.
func splitCards(file, text string, lim Limits) ([]rawCard, []Warning) {
	if !strings.Contains(text, "\n") {
		text = strings.ReplaceAll(text, "\r", "\n") // classic Mac line ends
	}
	var (
		cards             []rawCard
		warns             []Warning
		cur               rawCard
		inCard            bool
		outside, firstOut int
		strayEnds         int
	)
	for pos, lineNo := 0, 1; pos < len(text); lineNo++ {
		line, next := nextLine(text, pos)
		switch {
		case isMarkerLine(line, "BEGIN:VCARD", !inCard):
			if inCard {
				cur.end, cur.noEnd = pos, fmt.Sprintf("no END:VCARD before the next BEGIN:VCARD at line %d; read up to there", lineNo)
				cards = append(cards, cur)
			}
			if len(cards) >= lim.MaxCardsPerBook {
				warns = append(warns, Warning{File: file, Err: fmt.Errorf(
					"more than %d cards (the MaxCardsPerBook limit); the rest of the file, from line %d, is skipped", lim.MaxCardsPerBook, lineNo)})
				return cards, append(warns, outsideWarnings(file, outside, firstOut, strayEnds)...)
			}
			cur, inCard = rawCard{index: len(cards) + 1, line: lineNo, start: next}, true
		case inCard && isMarkerLine(line, "END:VCARD", false):
			cur.end, inCard = pos, false
			cards = append(cards, cur)
		case inCard:
			if next-cur.start > lim.MaxCardSize {
				cur.tooBig = true
			}
		case isMarkerLine(line, "END:VCARD", true):
			strayEnds++
		case strings.TrimSpace(line) != "":
			if outside == 0 {
				firstOut = lineNo
			}
			outside++
		}
		pos = next
	}
	if inCard {
		cur.end, cur.noEnd = len(text), "no END:VCARD before the end of the file; read up to there"
		cards = append(cards, cur)
	}
	if len(cards) == 0 {
		return nil, []Warning{{File: file, Err: fmt.Errorf("no BEGIN:VCARD found; not a vCard file")}}
	}
	return cards, append(warns, outsideWarnings(file, outside, firstOut, strayEnds)...)
}

func outsideWarnings(file string, outside, firstOut, strayEnds int) []Warning {
	var warns []Warning
	if outside > 0 {
		warns = append(warns, Warning{File: file, Err: fmt.Errorf(
			"%d line(s) outside any card ignored, the first at line %d", outside, firstOut)})
	}
	if strayEnds > 0 {
		warns = append(warns, Warning{File: file, Err: fmt.Errorf("%d END:VCARD without BEGIN:VCARD ignored", strayEnds)})
	}
	return warns
}

// nextLine returns the line at pos without its line end, and where the
// next line starts.
func nextLine(text string, pos int) (line string, next int) {
	nl := strings.IndexByte(text[pos:], '\n')
	if nl < 0 {
		return strings.TrimSuffix(text[pos:], "\r"), len(text)
	}
	return strings.TrimSuffix(text[pos:pos+nl], "\r"), pos + nl + 1
}

// isMarkerLine reports a BEGIN:VCARD or END:VCARD line. Between cards,
// leading blanks are forgiven; inside a card a leading blank makes the line
// a folded continuation, so it is not a marker.
func isMarkerLine(line, marker string, lenient bool) bool {
	if len(line) < len(marker) || len(line) > len(marker)+8 {
		return false
	}
	line = strings.TrimRight(line, " \t")
	if lenient {
		line = strings.TrimLeft(line, " \t")
	}
	return strings.EqualFold(line, marker)
}
