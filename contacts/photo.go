package contacts

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"

	"github.com/emersion/go-vcard"
)

// dataURIUnescaper undoes text escaping in a data: URI.
var dataURIUnescaper = strings.NewReplacer(`\,`, ",", `\;`, ";")

// maxPhotoURI bounds a photo URI; longer ones are data, not addresses.
const maxPhotoURI = 2048

// photo reads PHOTO: inline base64 (vCard 2.1/3.0 ENCODING=b), a data: URI
// (vCard 4.0), or a URI to fetch. Photos are not fetched here.
func (p *cardParser) photo(card vcard.Card) (*Photo, error) {
	f := card.Preferred(vcard.FieldPhoto)
	if f == nil || strings.TrimSpace(f.Value) == "" {
		return nil, nil
	}
	v := strings.TrimSpace(f.Value)
	mt := photoMediaType(f.Params)
	enc := strings.ToLower(f.Params.Get("ENCODING"))
	switch {
	case hasPrefixFold(v, "data:"):
		// Written as a text value ("data:image/png\;base64\,…"), as
		// vobject (Radicale) stores a vCard 4.0 data: URI.
		return p.dataURIPhoto(dataURIUnescaper.Replace(v))
	case enc == "b" || enc == "base64":
		return p.inlinePhoto(v)
	case strings.EqualFold(f.Params.Get(vcard.ParamValue), "uri") || strings.Contains(v, "://"):
		if len(v) > maxPhotoURI {
			return nil, fmt.Errorf("PHOTO URI longer than %d bytes; ignored", maxPhotoURI)
		}
		return &Photo{URI: v, MediaType: mt}, nil
	case len(v) > 64 && isBase64Line(strings.Join(strings.Fields(v), "")):
		return p.inlinePhoto(v) // vCard 2.1 tools that forget ENCODING
	}
	return nil, fmt.Errorf("PHOTO is neither inline data nor a URI; ignored")
}

func (p *cardParser) dataURIPhoto(v string) (*Photo, error) {
	meta, data, ok := strings.Cut(v[len("data:"):], ",")
	if !ok {
		return nil, fmt.Errorf("PHOTO data: URI without data; ignored")
	}
	if strings.HasSuffix(strings.ToLower(meta), ";base64") {
		return p.inlinePhoto(data)
	}
	if len(data) > 3*p.lim.MaxPhotoSize {
		return nil, p.photoTooBig()
	}
	raw, err := url.PathUnescape(data)
	if err != nil {
		return nil, fmt.Errorf("PHOTO data: URI is badly encoded; ignored")
	}
	return p.photoData([]byte(raw))
}

func (p *cardParser) inlinePhoto(b64 string) (*Photo, error) {
	b64 = strings.Join(strings.Fields(b64), "")
	if base64.StdEncoding.DecodedLen(len(b64)) > p.lim.MaxPhotoSize+3 {
		return nil, p.photoTooBig()
	}
	data, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		data, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(b64, "="))
	}
	if err != nil {
		return nil, fmt.Errorf("PHOTO is not valid base64; ignored")
	}
	return p.photoData(data)
}

// photoData keeps a PHOTO's bytes as PhotoFromData does, its error
// worded as the card's.
func (p *cardParser) photoData(data []byte) (*Photo, error) {
	ph, err := PhotoFromData(data, p.lim)
	if err != nil {
		return nil, fmt.Errorf("PHOTO %v; ignored", err)
	}
	return ph, nil
}

func (p *cardParser) photoTooBig() error {
	return fmt.Errorf("PHOTO %v; ignored", tooBig(p.lim.MaxPhotoSize))
}

// photoMediaType reads MEDIATYPE (vCard 4.0) or TYPE (vCard 3.0: JPEG, PNG,
// or a media type).
func photoMediaType(params vcard.Params) string {
	if mt := params.Get(vcard.ParamMediaType); mt != "" {
		return strings.ToLower(mt)
	}
	t := strings.ToLower(params.Get(vcard.ParamType))
	switch t {
	case "":
		return ""
	case "jpg", "jpeg":
		return "image/jpeg"
	}
	if strings.Contains(t, "/") {
		return t
	}
	return "image/" + t
}
