package carddav

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// The WebDAV requests this package sends itself. go-webdav's carddav
// client decodes every card of a multiget with go-vcard's strict decoder
// and fails the whole batch on the first card it cannot read; a book with
// one broken card would never load. So the listing and the multiget are
// sent here and the raw address data handed to the contacts parser, where
// a broken card is a warning naming it. Discovery and sync-collection,
// which carry no card text, go through go-webdav.
const (
	propfindCollection = `<?xml version="1.0" encoding="utf-8"?>
<d:propfind xmlns:d="DAV:" xmlns:cs="http://calendarserver.org/ns/" xmlns:c="urn:ietf:params:xml:ns:carddav">
<d:prop><d:resourcetype/><cs:getctag/><d:sync-token/></d:prop></d:propfind>`
	// propfindList lists the cards, and in the same answer the
	// collection's ctag and sync token: a server like Radicale reads
	// every card for each of them, so one request instead of two halves
	// the time of a full fetch.
	propfindList = `<?xml version="1.0" encoding="utf-8"?>
<d:propfind xmlns:d="DAV:" xmlns:cs="http://calendarserver.org/ns/">
<d:prop><d:resourcetype/><d:getetag/><d:getcontentlength/><cs:getctag/><d:sync-token/></d:prop></d:propfind>`
)

// multistatus is a 207 answer, as far as this package reads it.
type multistatus struct {
	XMLName   xml.Name   `xml:"DAV: multistatus"`
	Responses []response `xml:"DAV: response"`
}

type response struct {
	Hrefs    []string   `xml:"DAV: href"`
	Status   string     `xml:"DAV: status"`
	Propstat []propstat `xml:"DAV: propstat"`
}

type propstat struct {
	Status string `xml:"DAV: status"`
	Prop   struct {
		ResourceType struct {
			Collection  *struct{} `xml:"DAV: collection"`
			AddressBook *struct{} `xml:"urn:ietf:params:xml:ns:carddav addressbook"`
		} `xml:"DAV: resourcetype"`
		ETag        string `xml:"DAV: getetag"`
		Length      string `xml:"DAV: getcontentlength"`
		CTag        string `xml:"http://calendarserver.org/ns/ getctag"`
		SyncToken   string `xml:"DAV: sync-token"`
		AddressData string `xml:"urn:ietf:params:xml:ns:carddav address-data"`
	} `xml:"DAV: prop"`
}

// object is one response of a multistatus, its found properties merged.
type object struct {
	href        string // the path, unescaped
	gone        bool   // 404: deleted, or never there
	collection  bool
	addressBook bool
	etag, ctag  string
	syncToken   string
	length      int64 // -1 when unknown
	data        string
	hasData     bool
}

// davRequest sends a PROPFIND or REPORT and reads its 207 answer.
func (s *Source) davRequest(ctx context.Context, method, path, depth, body string) ([]object, error) {
	u := s.endpoint.ResolveReference(&url.URL{Path: path})
	req, err := http.NewRequestWithContext(ctx, method, u.String(), strings.NewReader(body))
	if err != nil {
		return nil, &Error{Method: method, URL: redact(u), Err: err}
	}
	req.Header.Set("Content-Type", `application/xml; charset="utf-8"`)
	req.Header.Set("Depth", depth)
	resp, err := s.http.Do(req)
	if err != nil {
		return nil, err
	}
	fail := func(format string, args ...any) error {
		return &Error{Method: method, URL: redact(u), Code: resp.StatusCode, Err: fmt.Errorf(format, args...)}
	}
	data, err := readAll(resp)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusMultiStatus {
		return nil, fail("answered %s, not 207 Multi-Status", resp.Status)
	}
	var ms multistatus
	if err := xml.NewDecoder(bytes.NewReader(data)).Decode(&ms); err != nil {
		return nil, fail("answer is not a WebDAV multistatus: %v (starts %q)", err, excerpt(data))
	}
	objs := make([]object, 0, len(ms.Responses))
	for _, r := range ms.Responses {
		o, err := r.object()
		if err != nil {
			return nil, fail("%v", err)
		}
		objs = append(objs, o)
	}
	return objs, nil
}

// object merges a response's properties found (2xx propstats).
func (r response) object() (object, error) {
	o := object{length: -1}
	if len(r.Hrefs) == 0 {
		return o, fmt.Errorf("a response has no href")
	}
	u, err := url.Parse(strings.TrimSpace(r.Hrefs[0]))
	if err != nil {
		return o, fmt.Errorf("href %q: %v", excerpt([]byte(r.Hrefs[0])), err)
	}
	o.href = u.Path
	o.gone = statusCode(r.Status) == http.StatusNotFound
	for _, ps := range r.Propstat {
		if code := statusCode(ps.Status); code/100 != 2 {
			continue
		}
		p := ps.Prop
		o.collection = o.collection || p.ResourceType.Collection != nil
		o.addressBook = o.addressBook || p.ResourceType.AddressBook != nil
		o.etag = first(o.etag, p.ETag)
		o.ctag = first(o.ctag, p.CTag)
		o.syncToken = first(o.syncToken, p.SyncToken)
		if n, err := strconv.ParseInt(strings.TrimSpace(p.Length), 10, 64); err == nil {
			o.length = n
		}
		if p.AddressData != "" {
			o.data, o.hasData = p.AddressData, true
		}
	}
	return o, nil
}

// statusCode reads "HTTP/1.1 404 Not Found"; 200 when absent.
func statusCode(s string) int {
	f := strings.Fields(s)
	if len(f) < 2 {
		return http.StatusOK
	}
	n, err := strconv.Atoi(f[1])
	if err != nil {
		return 0
	}
	return n
}

func first(have, v string) string {
	if have != "" {
		return have
	}
	return strings.TrimSpace(v)
}

// multigetBody asks for the address data and ETag of hrefs.
func multigetBody(hrefs []string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n" +
		`<c:addressbook-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:carddav">` +
		`<d:prop><d:getetag/><c:address-data/></d:prop>`)
	for _, h := range hrefs {
		b.WriteString("<d:href>")
		xml.EscapeText(&b, []byte(escapePath(h)))
		b.WriteString("</d:href>")
	}
	b.WriteString("</c:addressbook-multiget>")
	return b.String()
}

// escapePath percent-encodes every segment of an href's path. Unlike
// url.URL.EscapedPath it encodes ";" too, which Radicale (Python's
// urlparse) would take for the start of path parameters: it answered a
// card named "a;b.vcf" as "/…/a" 404.
func escapePath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

// excerpt quotes the start of an answer for an error.
func excerpt(b []byte) string {
	const max = 60
	if len(b) > max {
		return string(b[:max]) + "…"
	}
	return string(b)
}
