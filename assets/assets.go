// Package assets holds Deskline's embedded artwork and demo data: the app
// icon, one tray icon per state, and the demo address book. It imports no
// GUI toolkit, so that the core and the server can use it too.
//
// The files are generated and committed; edit the generators, not the
// files, and run go generate in this folder.
package assets

//go:generate go run gen_icons.go gen_draw.go
//go:generate go run gen_contacts.go gen_draw.go

import (
	"embed"
	"path"
)

// Icon names (files icons/<name>.png).
const (
	IconApp          = "app"               // 512x512 app icon
	TrayDisconnected = "tray-disconnected" // grey, hollow, slashed: no link to the server
	TrayConnected    = "tray-connected"    // green, the handset alone: ready
	TrayRinging      = "tray-ringing"      // amber, sound waves: a call rings
	TrayCall         = "tray-call"         // blue, level bars: in a call
	TrayDND          = "tray-dnd"          // red, a no-entry bar: do not disturb
)

//go:embed icons/*.png
var icons embed.FS

// Icon returns the PNG bytes of the named icon (64x64 for the tray icons,
// 512x512 for IconApp), or nil for an unknown name. The slice is the
// caller's own.
func Icon(name string) []byte {
	if name == "" || name != path.Base(name) {
		return nil // a name, not a path into the embedded tree
	}
	data, err := icons.ReadFile("icons/" + name + ".png")
	if err != nil {
		return nil
	}
	return data
}

// DemoContacts holds demo/contacts/*.vcf, the bundled demo address book:
// one contact per file, vCard 3.0 and 4.0, most with an inline PNG photo.
//
//go:embed demo/contacts/*.vcf
var DemoContacts embed.FS

// DemoContactsDir is the folder inside DemoContacts ("demo/contacts").
const DemoContactsDir = "demo/contacts"
