package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// source is where a Config was parsed from.
type source struct {
	name  string
	lines *lineIndex
}

// Parse reads a configuration: the defaults, then data on top, then
// Validate. name is used in error messages ("office.toml:17: …"). Unknown
// keys are errors. On failure the error is an Errors listing every problem.
// Relative paths in the file stay relative to the working directory; use
// Load to have them taken relative to the file.
func Parse(data []byte, name string) (*Config, error) {
	c, errs := parse(data, name, "")
	if len(errs) > 0 {
		return nil, errs
	}
	return c, nil
}

// Load reads and parses the file at path. Relative paths in it (tls.cert,
// tls.key, state_dir, exchange.ami.tls_ca and secret_file) are taken relative to the file's directory, so the
// server finds them whatever directory it was started from.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	c, errs := parse(data, path, filepath.Dir(path))
	if len(errs) > 0 {
		return nil, errs
	}
	return c, nil
}

// CheckFile loads the file at path and returns every problem, each formatted
// "FILE:LINE: message", in file order; nil means the file is good. It backs
// "deskline-server check-config".
func CheckFile(path string) []error {
	_, err := Load(path)
	var es Errors
	switch {
	case err == nil:
		return nil
	case errors.As(err, &es):
		return es.Unwrap()
	}
	return []error{err}
}

func parse(data []byte, name, dir string) (*Config, Errors) {
	src := &source{name: name, lines: indexLines(string(data))}
	f := newFile(Default())
	md, err := toml.NewDecoder(bytes.NewReader(data)).Decode(&f)
	if err != nil {
		return nil, Errors{decodeError(err, src)}
	}
	var cv converter
	cv.undecoded(md, src.lines)
	c := cv.config(&f)
	c.src = src
	c.resolvePaths(dir)
	ps := append(cv.ps, c.problems()...)
	if len(ps) > 0 {
		return nil, locate(ps, src)
	}
	return &c, nil
}

// dataTables are tables whose keys are names from elsewhere, not
// settings: an Asterisk queue may be called "Sales", and queue names are
// case-sensitive.
var dataTables = []string{"exchange.ami.queue_names", "exchange.ami.ring_groups", "directory.books.ldap.attributes"}

// undecoded reports keys that match no setting (below an unknown table,
// only the table), and keys not in lower case: the decoder matches those
// case-insensitively, so "Listen" and "listen" would silently fight.
func (cv *converter) undecoded(md toml.MetaData, ix *lineIndex) {
	unknown := map[string]bool{}
	for _, k := range md.Undecoded() {
		unknown[strings.Join(k, ".")] = true
	}
	nth := map[string]int{} // occurrences so far of each key, for arrays of tables
	var reported []string
	for _, k := range md.Keys() {
		plain := strings.Join(k, ".")
		at := keyLine{path: plain}
		if occ := ix.seen[plain]; nth[plain] < len(occ) {
			at = occ[nth[plain]]
		}
		nth[plain]++
		last := k[len(k)-1]
		switch {
		case under(plain, reported):
		case unknown[plain]:
			reported = append(reported, plain)
			cv.ps.add(at.path, "unknown key %s%s", at.path, hint(plain, last))
		case last != strings.ToLower(last) && !under(plain, dataTables):
			reported = append(reported, plain)
			cv.ps.add(at.path, "key %s must be written in lower case: %s", at.path, strings.ToLower(last))
		}
	}
}

// hint adds advice for an unknown key that shows a likely mistake.
func hint(path, key string) string {
	switch {
	case path == "exchange.ami.password":
		return ": the manager account's password is its secret: set secret (or secret_file)"
	case key == "password":
		return ": passwords must be hashed: run deskline-server hash-password and set password_hash"
	}
	return ""
}

// under reports whether key is one of tables or inside one of them.
func under(key string, tables []string) bool {
	for _, t := range tables {
		if key == t || strings.HasPrefix(key, t+".") {
			return true
		}
	}
	return false
}

// typeErr matches the decoder's errors that carry a line but are not a
// toml.ParseError, e.g. a string where a number belongs.
var (
	typeErr      = regexp.MustCompile(`^toml: line (\d+) \(last key "(.*)"\): (.*)$`)
	typeMismatch = regexp.MustCompile(`^incompatible types: TOML value has type (\S+); destination has type (\S+)$`)
)

// decodeError locates an error of the TOML decoder, which stops at the
// first one: a syntax error, or a value of the wrong type.
func decodeError(err error, src *source) *Error {
	e := &Error{File: src.name}
	var pe toml.ParseError
	if errors.As(err, &pe) {
		e.Line, e.Msg = pe.Position.Line, "TOML syntax: "+pe.Message
		return e
	}
	m := typeErr.FindStringSubmatch(err.Error())
	if m == nil {
		e.Msg = strings.TrimPrefix(err.Error(), "toml: ")
		return e
	}
	e.Line, _ = strconv.Atoi(m[1])
	e.Key, e.Msg = m[2], m[2]+": "+m[3]
	if t := typeMismatch.FindStringSubmatch(m[3]); t != nil {
		e.Msg = fmt.Sprintf("%s: is %s, want %s", m[2], tomlTypeName(t[1]), t[2])
	}
	return e
}

// tomlTypeName names the decoder's Go type of a TOML value in TOML terms.
func tomlTypeName(goType string) string {
	switch goType {
	case "string":
		return "a string"
	case "int64":
		return "an integer"
	case "float64":
		return "a float"
	case "bool":
		return "a boolean"
	case "[]any":
		return "an array"
	case "map[string]any":
		return "a table"
	case "[]map[string]any":
		return "an array of tables"
	case "time.Time":
		return "a date-time"
	}
	return goType
}

// resolvePaths makes relative file paths relative to dir.
func (c *Config) resolvePaths(dir string) {
	if dir == "" {
		return
	}
	a := &c.Exchange.AMI
	for _, p := range []*string{&c.TLS.Cert, &c.TLS.Key, &c.StateDir, &a.TLSCA, &a.SecretFile, &c.Cluster.CredsFile, &c.Cluster.CAFile} {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
	c.resolveBookPaths(dir)
}
