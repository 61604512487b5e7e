package config

import (
	"bytes"
	_ "embed"
)

// example.toml documents every setting with its default; demo.toml is a
// ready-to-run office on the simulated exchange. Tests parse both.
var (
	//go:embed example.toml
	exampleTOML []byte
	//go:embed demo.toml
	demoTOML []byte
	//go:embed demo-directory.vcf
	demoDirectory []byte
)

// DemoDirectoryFile is the path demo.toml's company book names: the demo
// server serves DemoDirectory for it, as the demo has no files around it.
const DemoDirectoryFile = "demo-directory.vcf"

// DemoDirectory returns the demo's company book (vCard 3.0).
func DemoDirectory() []byte { return bytes.Clone(demoDirectory) }

// ExampleFile returns the annotated example configuration, for
// "deskline-server" to print as a starting point.
func ExampleFile() []byte { return bytes.Clone(exampleTOML) }

// DemoFile returns the text of the demo configuration.
func DemoFile() []byte { return bytes.Clone(demoTOML) }

// Demo returns the demo configuration: the simulated exchange with a small
// office of five extensions and five users whose password is their name.
// It is for trying Deskline out, never for production.
func Demo() *Config {
	c, err := Parse(demoTOML, "demo.toml")
	if err != nil { // the tests keep this from happening
		panic("config: embedded demo.toml is invalid: " + err.Error())
	}
	return c
}
