package ctiproto

import (
	"fmt"
	"strconv"
	"unicode"

	"github.com/deskline/deskline/internal/cut"
)

// textRule bounds the value of a string member.
type textRule struct {
	max      int             // length limit in bytes
	nonEmpty bool            // "" is not allowed
	control  bool            // control characters are allowed (free text)
	ascii    bool            // only printable ASCII without spaces (tokens)
	values   map[string]bool // if set, the only values allowed
}

var (
	idRule        = textRule{max: MaxIDLength, nonEmpty: true}
	fieldRule     = textRule{max: MaxFieldLength, nonEmpty: true}
	numberRule    = textRule{max: MaxNumberLength, nonEmpty: true}
	numberOrEmpty = textRule{max: MaxNumberLength}
	freeText      = textRule{max: MaxTextLength, control: true}
	// noteRule: one line, "" removes the note (set-note).
	noteRule = textRule{max: MaxNoteLength}
)

// textRules holds the rule of every string member by name, wherever it
// appears; members not listed are free text. A spec may override the rule
// of a top-level member (set-forwarding allows an empty "to").
var textRules = map[string]textRule{
	"type":         idRule,
	"id":           idRule,
	"session":      idRule,
	"epoch":        idRule,
	"device":       fieldRule,
	"call":         fieldRule,
	"new_call":     fieldRule,
	"to":           numberRule,
	"answered_by":  numberRule, // a device: an extension or an external number
	"from":         fieldRule,  // pickup: a device
	"slot":         numberRule, // a park slot: what one dials to reach it
	"parked_by":    fieldRule,  // a device
	"by":           numberRule,
	"number":       numberOrEmpty, // "" when the caller withheld it
	"forward_to":   numberOrEmpty, // "" when forwarding is off
	"user":         {max: MaxUserLength, nonEmpty: true},
	"password":     {max: MaxPasswordLength, nonEmpty: true, control: true},
	"token":        {max: MaxTokenLength, nonEmpty: true, ascii: true},
	"client":       {max: MaxClientLength},
	"note":         noteRule,
	"state":        {values: states},
	"cause":        {values: causes},
	"direction":    {values: directions},
	"resync":       {values: resyncs},
	"status":       {values: statuses},
	"code":         {values: codes},
	"capabilities": {values: services},
	// The directory (directory.go).
	"query":      queryRule,
	"photo":      refRule,
	"data":       photoData,
	"media_type": mediaType,
}

// problem says what is wrong with s under r, or returns "".
func (r textRule) problem(s string) string {
	if r.values != nil {
		if !r.values[s] {
			return "unknown value " + quoteShort(s)
		}
		return ""
	}
	switch {
	case r.nonEmpty && s == "":
		return "must not be empty"
	case len(s) > r.max:
		return fmt.Sprintf("too long: %d bytes, max %d", len(s), r.max)
	case r.ascii:
		for i := 0; i < len(s); i++ {
			if s[i] <= ' ' || s[i] > '~' {
				return "must be printable ASCII without spaces"
			}
		}
	case !r.control:
		for _, c := range s {
			if unicode.IsControl(c) {
				return "must not contain control characters"
			}
		}
	}
	return ""
}

// quoteShort quotes s for an error message, cut to a readable length.
func quoteShort(s string) string {
	const max = 40
	if len(s) > max { // the mark outside the quotes: it is not part of s
		return strconv.Quote(cut.Prefix(s, max)) + cut.Mark
	}
	return strconv.Quote(s)
}
