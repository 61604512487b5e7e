// Package carddav is a CardDAV address book (Nextcloud, Radicale, SOGo,
// iCloud, Google) as a directory.Source.
//
// The first fetch lists the collection (PROPFIND: ETags, sizes, the ctag
// and sync token in one answer) and downloads the cards in
// addressbook-multiget batches. Later fetches ask only for what changed:
// sync-collection (RFC 6578) with the last sync token; when the server
// refuses the token or has no sync-collection, the collection's ctag
// (unchanged: nothing to download) and then an ETag listing (download
// only the cards whose ETag changed). Unchanged cards keep their
// *contacts.Contact values from the last copy. The token, ctag and every
// card's ETag travel in Book.Cursor.
//
// A card leaves the book only when a sync-collection answers it 404 or a
// whole listing (one with the collection's own response) lacks it. A
// multiget that leaves out a card asked for, or answers it 404 though just
// listed, and a listing without the collection's own response fail the
// fetch: the directory keeps the last copy, and the next fetch asks again.
// A book of more than Limits.MaxCardsPerBook cards is refused.
//
// Cards are parsed with the contacts package's tolerant parser, the one
// the desk uses: a broken card is a warning naming its href, never a
// failed fetch. A failed request is an *Error naming the method and URL
// ("carddav: REPORT https://…/contacts/: 401 Unauthorized: authentication
// failed …"); the password never appears in one.
//
// Radicale, the server of the tests (internal/radicale), reads every card
// of a collection in Python for each listing, ctag or sync token: 25-35 s
// for 10,000 cards on this project's 2-core machine, where the downloads
// themselves take a few seconds. DefaultTimeout allows for it.
package carddav
