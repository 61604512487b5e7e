package app

import "github.com/deskline/deskline/app/crm"

// CRMLink is the CRM page for a call, filled from the desk's template:
// the number as the exchange gave it, in E.164 when it is an outside
// number the desk's normaliser understands, the caller's name and, from
// the address book, their company. "" when no template is set or it
// cannot be filled (the settings window reports a bad template).
func (d *Desk) CRMLink(c Call) string {
	if d == nil || d.Settings.CRMURL == "" {
		return ""
	}
	v := crm.Values{Number: c.Number, Name: c.Display}
	if d.Numbers != nil && c.Number != "" {
		if n, err := d.Numbers.Normalize(c.Number); err == nil && !n.Internal {
			v.E164 = n.Key
		}
	}
	if c.Contact != nil {
		v.Company = c.Contact.Organization
	}
	u, err := crm.URL(d.Settings.CRMURL, v)
	if err != nil {
		return ""
	}
	return u
}
