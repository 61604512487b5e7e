package contacts

import "unicode"

// scanned is what scanNumber saw in a written number.
type scanned struct {
	digits       string // digits in order, vanity letters as keypad digits
	plus         bool   // a leading "+"
	letters      int    // ASCII letters (vanity)
	lettersFirst bool   // a letter came before the third digit
	other        bool   // a character that belongs in no phone number
	tooLong      bool   // more digits than any phone number has
}

// maxScanDigits is more than the 15 digits of E.164 plus an IDD, with room;
// longer runs are not phone numbers.
const maxScanDigits = 24

// plain reports a number of only digits, separators and a leading plus:
// the shape the fast path handles.
func (sc scanned) plain() bool { return !sc.other && !sc.tooLong && sc.letters == 0 }

// scanNumber reads digits, a leading plus and vanity letters, skipping
// visual separators. It allocates only the digit string.
func scanNumber(s string) scanned {
	var sc scanned
	var buf [maxScanDigits]byte
	n := 0
	add := func(d byte) {
		if n == len(buf) {
			sc.tooLong = true
			return
		}
		buf[n] = d
		n++
	}
	run := 0 // letters in the current run
	for _, r := range s {
		isLetter := r < 128 && (r|0x20) >= 'a' && (r|0x20) <= 'z'
		if !isLetter {
			if run == 1 {
				sc.other = true // vanity numbers spell words, not single letters
			}
			run = 0
		}
		switch {
		case r >= '0' && r <= '9':
			add(byte(r))
		case r == '+' || r == '＋':
			if n > 0 || sc.plus || sc.letters > 0 {
				sc.other = true
			}
			sc.plus = true
		case isVisualSeparator(r):
		case isLetter:
			if n < 3 {
				sc.lettersFirst = true
			}
			run++
			sc.letters++
			add(keypad[(r|0x20)-'a'])
		case unicode.IsDigit(r):
			add('0' + digitValue(r))
		default:
			sc.other = true
		}
	}
	if run == 1 {
		sc.other = true
	}
	sc.digits = string(buf[:n])
	return sc
}

// keypad maps a..z to the digit on a phone keypad (E.161).
var keypad = [26]byte{
	'2', '2', '2', '3', '3', '3', '4', '4', '4', '5', '5', '5', '6',
	'6', '6', '7', '7', '7', '7', '8', '8', '8', '9', '9', '9', '9',
}

// LooksLikeNumber reports whether text is written as a phone number
// rather than a name: ASCII digits, "+" and the separators people write
// between digits (spaces, dashes, dots, slashes, brackets), at least one
// digit and no letters. Search reads such a query as a number; a dial
// field sends it as typed instead of picking a contact.
func LooksLikeNumber(text string) bool {
	digits := false
	for _, r := range text {
		switch {
		case r >= '0' && r <= '9':
			digits = true
		case r == '+' || isVisualSeparator(r):
		default:
			return false
		}
	}
	return digits
}

// isVisualSeparator reports characters people put between digit groups.
func isVisualSeparator(r rune) bool {
	switch r {
	case ' ', '\t', '-', '.', '/', '(', ')', '[', ']', '~',
		'\u00a0', '\u2009', '\u200b', '\u202f', '\u3000', '\u2212', '\u30fc', '\uff0d':
		return true
	}
	return r >= '\u2010' && r <= '\u2015' // hyphens and dashes
}

// digitValue returns the value of a Unicode decimal digit (Arabic-Indic,
// full-width, …). Decimal digits come in runs of ten, so the value is the
// distance from the start of the run, modulo ten.
func digitValue(r rune) byte {
	start := r
	for i := 0; i < 60 && unicode.IsDigit(start-1); i++ {
		start--
	}
	return byte((r - start) % 10)
}
