package amitest

import (
	"fmt"
	"testing"
)

// The lab's extensions.conf reads as Asterisk's "dialplan show office"
// lists it: hints, numbered and "n" priorities, labels.
func TestParseLabDialplan(t *testing.T) {
	text, err := LabDialplan()
	if err != nil {
		t.Fatal(err)
	}
	contexts, order := parseExtensionsConf(text)
	if fmt.Sprint(order) != "[from-pstn office]" {
		t.Fatalf("contexts %v", order)
	}
	var got []string
	for _, it := range contexts["office"] {
		if it.exten == "_20X" || it.exten == "201" {
			got = append(got, it.exten+","+it.prio+"("+it.label+"),"+it.app)
		}
	}
	want := "[201,hint(),PJSIP/201 _20X,1(),NoOp _20X,2(),Dial _20X,3(),NoOp _20X,4(),GotoIf _20X,5(),Hangup _20X,6(busy),Busy]"
	if fmt.Sprint(got) != want {
		t.Errorf("office:\n %v\nwant\n %s", got, want)
	}
}
