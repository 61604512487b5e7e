package app

import (
	"context"
	"encoding/base64"
	"fmt"
	"sync"
	"time"

	"github.com/deskline/deskline/contacts"
	"github.com/deskline/deskline/ctiproto"
)

// Photos of directory contacts (get-photo), kept in a small cache: a pop
// asks for its caller's photo once, the lists for the rows they show, and
// the same colleagues call all day.

const (
	// maxCachedPhotos bounds the cache by count: a day's callers and a
	// search's rows, not the whole directory.
	maxCachedPhotos = 128
	// maxCachedPhotoBytes bounds it by size (16 MiB): a desk runs beside
	// everything else the user has open.
	maxCachedPhotoBytes = 16 << 20
	// maxPhotoBytes is the largest decoded photo taken: the protocol's
	// own bound, so the desk takes what a server may send and no more.
	maxPhotoBytes = ctiproto.MaxPhotoBytes
	// photoTimeout bounds a pop's fetch: a photo late by more is not
	// worth waiting for, the next pop asks again.
	photoTimeout = 10 * time.Second
	// photoRetry is how long a failed fetch is remembered, so a pop that
	// re-renders on every event does not ask again each time.
	photoRetry = time.Minute
	// maxFailedPhotos bounds the failures remembered: a day of pops from
	// callers without a photo the server can send.
	maxFailedPhotos = 256
)

// photoCache is the client's photos by reference; safe for concurrent use.
type photoCache struct {
	mu       sync.Mutex
	photos   map[string]*contacts.Photo
	order    []string             // least recently used first
	bytes    int                  // sum of the photos' sizes
	inflight map[string]bool      // a pop's fetch is on its way
	failed   map[string]time.Time // when a pop's fetch failed
}

// get returns a cached photo and marks it used.
func (pc *photoCache) get(ref string) (*contacts.Photo, bool) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	p, ok := pc.photos[ref]
	if ok {
		pc.touch(ref)
	}
	return p, ok
}

func (pc *photoCache) touch(ref string) {
	for i, r := range pc.order {
		if r == ref {
			pc.order = append(append(pc.order[:i:i], pc.order[i+1:]...), ref)
			return
		}
	}
}

// put keeps p, dropping the least recently used photos beyond the limits.
func (pc *photoCache) put(ref string, p *contacts.Photo) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if pc.photos == nil {
		pc.photos = make(map[string]*contacts.Photo)
	}
	if old, ok := pc.photos[ref]; ok {
		pc.bytes -= len(old.Data)
		pc.touch(ref)
	} else {
		pc.order = append(pc.order, ref)
	}
	pc.photos[ref] = p
	pc.bytes += len(p.Data)
	for len(pc.order) > 1 && (len(pc.order) > maxCachedPhotos || pc.bytes > maxCachedPhotoBytes) {
		drop := pc.order[0]
		pc.order = pc.order[1:]
		pc.bytes -= len(pc.photos[drop].Data)
		delete(pc.photos, drop)
	}
}

// Photo returns the directory photo ref names (a Contact's Photo), from
// the cache when it has it. It fails when the link is down, the server
// refuses, or the photo is not an image of at most maxPhotoBytes.
func (c *Client) Photo(ctx context.Context, ref string) (*contacts.Photo, error) {
	if p, ok := c.photos.get(ref); ok {
		return p, nil
	}
	res, err := c.request(ctx, &ctiproto.GetPhoto{Photo: ref})
	if err != nil {
		return nil, err
	}
	p, err := decodePhoto(ref, res.Image)
	if err != nil {
		return nil, err
	}
	c.photos.put(ref, p)
	return p, nil
}

// decodePhoto checks and decodes a get-photo result. The photo goes
// through the bounds the desk's own vCard photos go through
// (contacts.PhotoFromData): its pixels are counted from the header
// before any is decoded, a large one is kept as a thumbnail, and its
// media type is read from the data, not taken from the server's word —
// a view's canvas.Image decodes it on the main goroutine.
func decodePhoto(ref string, img *ctiproto.Image) (*contacts.Photo, error) {
	switch {
	case img == nil || img.Data == "":
		return nil, fmt.Errorf("app: photo %q: the server sent no image", ref)
	case base64.StdEncoding.DecodedLen(len(img.Data)) > maxPhotoBytes+3:
		return nil, fmt.Errorf("app: photo %q: over %d bytes", ref, maxPhotoBytes)
	}
	data, err := base64.StdEncoding.DecodeString(img.Data)
	if err != nil {
		return nil, fmt.Errorf("app: photo %q: %w", ref, err)
	}
	if len(data) > maxPhotoBytes {
		return nil, fmt.Errorf("app: photo %q: over %d bytes", ref, maxPhotoBytes)
	}
	p, err := contacts.PhotoFromData(data, contacts.Limits{MaxPhotoSize: maxPhotoBytes})
	if err != nil {
		return nil, fmt.Errorf("app: photo %q %w", ref, err)
	}
	return p, nil
}

// popPhotoLocked is the cached photo for a pop, nil while it is not
// there; the first ask fetches it in the background and publishes the
// state again when it arrives, so the view shows it on its next render.
// Called with c.mu held.
func (c *Client) popPhotoLocked(ref string) *contacts.Photo {
	if ref == "" {
		return nil
	}
	if p, ok := c.photos.get(ref); ok {
		return p
	}
	pc := &c.photos
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if pc.inflight[ref] || time.Since(pc.failed[ref]) < photoRetry {
		return nil
	}
	if pc.inflight == nil {
		pc.inflight, pc.failed = make(map[string]bool), make(map[string]time.Time)
	}
	pc.inflight[ref] = true
	go c.fetchPopPhoto(ref)
	return nil
}

// failedLocked remembers that ref's fetch failed now, pruning what is
// older than photoRetry and, beyond maxFailedPhotos, the lot (the
// photos are then asked for again, once each). Called with pc.mu held.
func (pc *photoCache) failedLocked(ref string) {
	now := time.Now()
	if len(pc.failed) >= maxFailedPhotos {
		for r, t := range pc.failed {
			if now.Sub(t) >= photoRetry {
				delete(pc.failed, r)
			}
		}
	}
	if len(pc.failed) >= maxFailedPhotos {
		clear(pc.failed)
	}
	pc.failed[ref] = now
}

// forgetFailures is called on every (re)connection: a photo that failed
// on the last link is asked for again.
func (pc *photoCache) forgetFailures() {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	clear(pc.failed)
}

// fetchPopPhoto fetches a pop's photo and publishes it.
func (c *Client) fetchPopPhoto(ref string) {
	ctx, cancel := context.WithTimeout(context.Background(), photoTimeout)
	defer cancel()
	_, err := c.Photo(ctx, ref)
	pc := &c.photos
	pc.mu.Lock()
	delete(pc.inflight, ref)
	if err != nil {
		pc.failedLocked(ref)
	}
	pc.mu.Unlock()
	if err != nil {
		c.log.Info("directory photo not fetched", "photo", ref, "err", err)
		return
	}
	c.mu.Lock()
	c.publishLocked()
	c.mu.Unlock()
}
