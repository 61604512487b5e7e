package contacts

// Default input limits. A shared address book is input from somewhere else:
// these keep one broken or hostile file from taking the desktop's memory.
const (
	// DefaultMaxFileSize is the largest vCard file read; a larger one is
	// skipped with a warning. 64 MiB holds some 200,000 plain cards.
	DefaultMaxFileSize = 64 << 20
	// DefaultMaxCardSize is the largest single card (its raw text, photo
	// included); a larger card is skipped with a warning.
	DefaultMaxCardSize = 1 << 20
	// DefaultMaxCardsPerBook is the most cards read from one file; the rest
	// of the file is skipped with a warning.
	DefaultMaxCardsPerBook = 200_000
	// DefaultMaxPhotoSize is the largest decoded photo kept; a larger photo
	// is dropped with a warning and the contact loads without it.
	DefaultMaxPhotoSize = 512 << 10
	// DefaultMaxPhotoPixels is the most pixels (width × height, read from
	// the image's header) of a photo that is decoded; a larger photo is
	// dropped with a warning. A compressed image can claim any size within
	// MaxPhotoSize. 4096×4096 takes a 12-megapixel camera photo; decoding
	// it holds 1 to 8 bytes a pixel (at most 128 MiB, for a 16-bit PNG)
	// for a moment while the book loads, and only a thumbnail of at most
	// PhotoThumbSide pixels a side is kept.
	DefaultMaxPhotoPixels = 4096 * 4096
	// DefaultMaxFiles is the most vCard files one Load reads from all its
	// folders together.
	DefaultMaxFiles = 10_000
)

// maxWarningsPerFile caps the warnings one file can produce (a file of
// random bytes could otherwise yield one per line); the rest are counted in
// a final summary warning.
const maxWarningsPerFile = 100

// Limits bounds what a Load reads. A zero field means its default.
type Limits struct {
	MaxFileSize     int64 // bytes per file
	MaxCardSize     int   // bytes per card, as written in the file
	MaxCardsPerBook int   // cards per file
	MaxPhotoSize    int   // bytes per decoded photo
	MaxPhotoPixels  int   // width × height per photo
	MaxFiles        int   // files per Load
}

// DefaultLimits returns the limits a new Directory uses.
func DefaultLimits() Limits {
	return Limits{
		MaxFileSize:     DefaultMaxFileSize,
		MaxCardSize:     DefaultMaxCardSize,
		MaxCardsPerBook: DefaultMaxCardsPerBook,
		MaxPhotoSize:    DefaultMaxPhotoSize,
		MaxPhotoPixels:  DefaultMaxPhotoPixels,
		MaxFiles:        DefaultMaxFiles,
	}
}

// withDefaults fills zero (or negative) fields with their defaults.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxFileSize <= 0 {
		l.MaxFileSize = d.MaxFileSize
	}
	if l.MaxCardSize <= 0 {
		l.MaxCardSize = d.MaxCardSize
	}
	if l.MaxCardsPerBook <= 0 {
		l.MaxCardsPerBook = d.MaxCardsPerBook
	}
	if l.MaxPhotoSize <= 0 {
		l.MaxPhotoSize = d.MaxPhotoSize
	}
	if l.MaxPhotoPixels <= 0 {
		l.MaxPhotoPixels = d.MaxPhotoPixels
	}
	if l.MaxFiles <= 0 {
		l.MaxFiles = d.MaxFiles
	}
	return l
}
