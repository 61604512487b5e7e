// Package contacts holds Deskline's address books: vCard files and folders,
// the one phone-number normaliser shared by lookup and dialing, the
// reverse-lookup index (number → contacts) and search as you type.
//
// # Numbers
//
// A [Normalizer] turns whatever a user, a vCard or the exchange wrote
// ("030 1234567", "+49 (0)30 1234567", "0049-30-1234567;ext=89",
// "0800 FLOWERS", "201") into a [Number]: an E.164 key ("+49301234567") or an
// internal extension ("201"), an extension part, and a display form in
// international format. Lookup and dialing both go through it, so a contact
// stored as "+49 30 1234567" is found for a call from "030 1234567" and the
// other way round, and the user sees the number that will be dialled.
// [Normalizer.Extract] finds numbers in free text (the clipboard, a mail
// signature); [Normalizer.ParseURI] reads tel:, callto:, sip: and sips: URIs.
//
// # Address books
//
// A [Directory] loads vCard 2.1, 3.0 and 4.0 files (.vcf, .vcard) and folders
// of them, parsed with github.com/emersion/go-vcard after a tolerant first
// pass that splits cards itself, repairs encodings (Latin-1/Windows-1252
// bytes, UTF-16 files, quoted-printable values) and rewrites vCard 2.1
// parameters. Broken input never stops a load: a bad card, line, encoding or
// an over-large file becomes a [Warning] that names the file and the card,
// and everything else loads. Input is bounded by [Limits].
//
// Readers never wait for a load: each load builds a new immutable snapshot
// (contacts plus indexes) and swaps it in atomically. [Directory.Watch]
// reloads after files change, debounced.
//
// # Performance
//
// Measured on a generated book of 100,000 contacts (one 30 MB vCard file,
// about 1.9 numbers per contact), 2 shared cores (AMD EPYC, a VM), Go
// 1.26; times rise by half when the machine is busy:
//
//	load (read, parse, normalise, index)   1.0-1.5 s (was 1.6-1.8 s), 0.93 KB live heap per contact
//	reverse lookup                         0.6-1.4 µs, 1 allocation (the result; was 4.0-4.4 µs, 23)
//	search, per keystroke typing a name    0.04-0.07 ms (was 0.19-0.26 ms; first letter alone 0.05-0.07 ms)
//	search, per keystroke typing a number  0.35 ms
//
// A name search reads the postings of the rarest query word only until no
// later contact can enter the top, matches words by their index range in
// the sorted word list, and skips contacts without numbers from a flat
// slice: the server runs the same search over the company directory for
// every desk (server/directory).
//
// A lookup of the exchange's E.164 number or of dialled digits takes a
// path that builds the key without parsing (plainKey); anything else is
// normalised in full. The index keeps each key's span and the phones as
// pointers, so a lookup is a map probe and the result.
//
// Reproduce with
//
//	go test -run '^$' -bench 100k -benchmem ./contacts
//	go test -run '^$' -bench Load100k -benchtime 5x ./contacts
//
// The package imports nothing of Deskline but internal/cut, and no GUI
// toolkit.
package contacts
