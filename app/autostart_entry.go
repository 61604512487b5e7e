package app

import (
	"bufio"
	"fmt"
	"path/filepath"
	"strings"
	"unicode"
)

// autostartEntry renders the desktop entry that starts execPath args….
func autostartEntry(execPath string, args []string) (string, error) {
	if !filepath.IsAbs(execPath) {
		return "", &AutostartError{Reason: fmt.Sprintf("%q is not an absolute path", execPath)}
	}
	// The Desktop Entry spec: "The name or path of the executable program
	// may not contain the equal sign".
	if strings.Contains(execPath, "=") {
		return "", &AutostartError{Reason: fmt.Sprintf("%q: a desktop entry cannot run a path containing '='", execPath)}
	}
	words := make([]string, 0, 1+len(args))
	for _, w := range append([]string{execPath}, args...) {
		q, err := desktopExecQuote(w)
		if err != nil {
			return "", err
		}
		words = append(words, q)
	}
	return "[Desktop Entry]\n" +
		"Type=Application\n" +
		"Name=Deskline\n" +
		"Comment=Click-to-dial and call popups for your desk phone\n" +
		"Exec=" + strings.Join(words, " ") + "\n" +
		"Terminal=false\n" +
		"X-GNOME-Autostart-enabled=true\n", nil
}

// execReserved are the characters that force quoting of an Exec argument.
const execReserved = " \t\n\"'\\><~|&;$*?#()`"

// desktopExecQuote quotes one Exec argument per the Desktop Entry spec
// ("The Exec key"), in its three layers:
//  1. an argument with a reserved character is put in double quotes,
//     inside which " ` $ and \ are backslash-escaped;
//  2. a literal % is written %% (% starts field codes like %f);
//  3. the value, being a desktop-entry string, escapes \ again as \\ —
//     so one backslash in a quoted argument is four in the file.
//
// Control characters (a newline would end the line) are refused: no
// sane path has them.
func desktopExecQuote(arg string) (string, error) {
	for _, c := range arg {
		if unicode.IsControl(c) && c != '\t' {
			return "", &AutostartError{Reason: fmt.Sprintf("%q contains a control character", arg)}
		}
	}
	q := arg
	if arg == "" || strings.ContainsAny(arg, execReserved) {
		r := strings.NewReplacer(`"`, `\"`, "`", "\\`", `$`, `\$`, `\`, `\\`)
		q = `"` + r.Replace(arg) + `"`
	}
	q = strings.ReplaceAll(q, "%", "%%")
	q = strings.NewReplacer(`\`, `\\`, "\t", `\t`).Replace(q)
	return q, nil
}

// autostartDisabledIn reports whether a desktop entry turns itself off.
func autostartDisabledIn(entry string) bool {
	inMain := false
	sc := bufio.NewScanner(strings.NewReader(entry))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "[") {
			inMain = line == "[Desktop Entry]"
			continue
		}
		key, val, ok := strings.Cut(line, "=")
		if !inMain || !ok {
			continue
		}
		key, val = strings.TrimSpace(key), strings.TrimSpace(val)
		if (key == "Hidden" && val == "true") || (key == "X-GNOME-Autostart-enabled" && val == "false") {
			return true
		}
	}
	return false
}
