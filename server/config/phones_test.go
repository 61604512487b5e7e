package config

import "testing"

// phone and auto_answer are checked per device, naming the field.
func TestCheckAMIPhones(t *testing.T) {
	text := amiBase + `
[[exchange.ami.devices]]
id = "203"
endpoint = "PJSIP/203"
phone = "polycom"           # unknown family
[[exchange.ami.devices]]
id = "204"
endpoint = "IAX2/204"
phone = "snom"              # not pjsip
[[exchange.ami.devices]]
id = "205"
endpoint = "PJSIP/205"
auto_answer = true          # no family
[[exchange.ami.devices]]
id = "206"
endpoint = "PJSIP/206"
phone = "none"
[[exchange.ami.devices]]
id = "207"
endpoint = "pjsip/207"
phone = "yealink"
auto_answer = true
`
	check(t, text,
		want{"# unknown family", `exchange.ami.devices[2] (203): phone "polycom" is unknown (want one of none, yealink, snom, grandstream, fanvil)`},
		want{"# not pjsip", `exchange.ami.devices[3] (204): phone "snom" needs a PJSIP endpoint (Asterisk sends the NOTIFY and the auto-answer header only there), not "IAX2/204"`},
		want{"# no family", `exchange.ami.devices[4] (205): auto_answer needs phone set to the phone's family: the header that makes it answer depends on it`},
	)
}

// The connector gets each device's phone family and auto_answer.
func TestAMIConfigPhones(t *testing.T) {
	c, err := Parse([]byte(amiWith(`endpoint = "PJSIP/202"`, "endpoint = \"PJSIP/202\"\nphone = \"grandstream\"\nauto_answer = true")), "t.toml")
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.AMIConfig(nil)
	if err != nil {
		t.Fatal(err)
	}
	if d := got.Devices[1]; d.Phone != "grandstream" || !d.AutoAnswer || got.Devices[0].Phone != "" || got.Devices[0].AutoAnswer {
		t.Errorf("devices = %+v", got.Devices)
	}
}
