package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Text sizes for the caller in a screen pop or the calls console: a
// receptionist reads who is calling from a metre away, glancing over from
// another task. At 96 dpi 28 units are 7.4 mm (cap height about 5 mm, the
// size of a road sign's letters read from ten metres, scaled down), and
// 20 units keep the number readable under the name.
const (
	SizeNameCallerName   fyne.ThemeSizeName = "deskline-callerName"
	SizeNameCallerNumber fyne.ThemeSizeName = "deskline-callerNumber"

	callerNameSize   = 28
	callerNumberSize = 20
)

// Theme is Deskline's look: Fyne's default theme with the colours that
// read too faintly replaced (Fyne draws low-importance labels, hints and
// placeholders at 1.55:1 in the dark variant; its red, amber and green
// text fall below 4.5:1 in the light one) and the caller's text sizes
// added. main sets it on the app.
func Theme() fyne.Theme { return &deskTheme{Theme: theme.DefaultTheme(), palette: palettes} }

// deskTheme wraps a base theme: it answers the colours of palette (when
// set) and the caller's sizes, and leaves the rest to the base. Tests wrap
// Fyne's test theme without a palette, so the masters keep its colour
// names and know the caller's sizes.
type deskTheme struct {
	fyne.Theme
	palette map[fyne.ThemeVariant]map[fyne.ThemeColorName]color.Color
}

func (t *deskTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if v != theme.VariantLight {
		v = theme.VariantDark // as Fyne does: anything not light is dark
	}
	if c, ok := t.palette[v][n]; ok {
		return c
	}
	return t.Theme.Color(n, v)
}

func (t *deskTheme) Size(n fyne.ThemeSizeName) float32 {
	switch n {
	case SizeNameCallerName:
		return callerNameSize
	case SizeNameCallerNumber:
		return callerNumberSize
	}
	return t.Theme.Size(n)
}

// palettes are the colours Deskline changes, per variant. Primary and its
// companions are fixed rather than taken from the desktop's accent colour:
// a yellow or light-grey accent would make blue-text links and the
// Answer button unreadable. Each text colour meets minContrast on every
// surface it is drawn on (theme_test.go checks them all, hover and
// selection included).
var palettes = map[fyne.ThemeVariant]map[fyne.ThemeColorName]color.Color{
	theme.VariantDark: {
		// Hints, notes, "Ringing 0:07 on 201", disabled buttons: grey that
		// still reads, yet clearly quieter than the near-white foreground.
		theme.ColorNameDisabled:    rgb(0xac, 0xac, 0xb0),
		theme.ColorNamePlaceHolder: rgb(0xb2, 0xb2, 0xb2),
		theme.ColorNamePrimary:     rgb(0x7a, 0xa7, 0xff),
		theme.ColorNameHyperlink:   rgb(0x7a, 0xa7, 0xff),
		// Dark text on the light blue, as on Fyne's red, amber and green.
		theme.ColorNameForegroundOnPrimary: rgb(0x17, 0x17, 0x18),
		theme.ColorNameFocus:               rgba(0x7a, 0xa7, 0xff, 0x2a),
		theme.ColorNameSelection:           rgba(0x7a, 0xa7, 0xff, 0x40),
		theme.ColorNameError:               rgb(0xff, 0x86, 0x7c),
		theme.ColorNameWarning:             rgb(0xff, 0xa7, 0x26),
		theme.ColorNameSuccess:             rgb(0x5c, 0xd6, 0x5c),
		// The outline of entries and of unticked boxes: Fyne's is 1.55:1,
		// an empty check box all but vanished.
		theme.ColorNameInputBorder: rgb(0x70, 0x70, 0x76),
	},
	theme.VariantLight: {
		// Fyne's grey #565656 leaves no room for a disabled grey between
		// it and 4.5:1: the foreground goes darker instead.
		theme.ColorNameForeground:          rgb(0x1d, 0x1d, 0x1f),
		theme.ColorNameDisabled:            rgb(0x5f, 0x5f, 0x63),
		theme.ColorNamePlaceHolder:         rgb(0x5f, 0x5f, 0x63),
		theme.ColorNamePrimary:             rgb(0x1a, 0x56, 0xdb),
		theme.ColorNameHyperlink:           rgb(0x1a, 0x56, 0xdb),
		theme.ColorNameForegroundOnPrimary: rgb(0xff, 0xff, 0xff),
		theme.ColorNameFocus:               rgba(0x1a, 0x56, 0xdb, 0x2a),
		theme.ColorNameSelection:           rgba(0x1a, 0x56, 0xdb, 0x26),
		theme.ColorNameError:               rgb(0xc0, 0x25, 0x25),
		theme.ColorNameWarning:             rgb(0x9a, 0x4d, 0x00),
		theme.ColorNameSuccess:             rgb(0x1b, 0x74, 0x2c),
		// White on the darker red, amber and green (Fyne's are light
		// enough for dark text only).
		theme.ColorNameForegroundOnError:   rgb(0xff, 0xff, 0xff),
		theme.ColorNameForegroundOnWarning: rgb(0xff, 0xff, 0xff),
		theme.ColorNameForegroundOnSuccess: rgb(0xff, 0xff, 0xff),
		theme.ColorNameInputBorder:         rgb(0x85, 0x85, 0x85), // Fyne's: 1.3:1
	},
}

func rgb(r, g, b uint8) color.Color     { return color.NRGBA{R: r, G: g, B: b, A: 0xff} }
func rgba(r, g, b, a uint8) color.Color { return color.NRGBA{R: r, G: g, B: b, A: a} }
