package slapd

import (
	"encoding/base64"
	"fmt"
	"strings"
)

// Suffix is the one database every test server holds; the tests put
// their entries under People or AD.
const (
	Suffix = "dc=deskline,dc=test"
	People = "ou=people," + Suffix
	AD     = "ou=ad," + Suffix
	// BindDN is an ordinary reader, not the rootDN: the rootDN is exempt
	// from size and time limits, and a source reads as a user would.
	BindDN   = "cn=reader," + Suffix
	password = "reader-secret"
	rootPW   = "root-secret"
)

// schemaDir holds the Debian package's schema files.
const schemaDir = "/etc/ldap/schema"

// adSchema is a small Active-Directory-like schema: the attributes of AD's
// user object that the "ad" preset reads, under OpenLDAP's experimental
// OID arc (1.3.6.1.4.1.4203.666), not AD's own OIDs. It is honest about
// what it is: AD's names and value forms (objectGUID 16 octets,
// userAccountControl an integer that the bitwise filter of the AD preset
// matches), not AD. Two liberties: objectCategory is a string holding
// "person" (AD stores a DN and maps (objectCategory=person) onto it), and
// user is a subclass of inetOrgPerson (AD's is one of organizationalPerson;
// inetOrgPerson brings displayName, mobile, homePhone and mail, which AD
// user objects have too). Debian's msuser.schema holds AD's real
// definitions, but its user class drags in dozens of AD-only attributes
// and objectCategory has no equality rule there, so filters on it never
// match.
const adSchema = `dn: cn=deskline-ad,cn=schema,cn=config
objectClass: olcSchemaConfig
cn: deskline-ad
olcAttributeTypes: ( 1.3.6.1.4.1.4203.666.17.1 NAME 'company' EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
olcAttributeTypes: ( 1.3.6.1.4.1.4203.666.17.2 NAME 'department' EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
olcAttributeTypes: ( 1.3.6.1.4.1.4203.666.17.3 NAME 'otherTelephone' EQUALITY telephoneNumberMatch SUBSTR telephoneNumberSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.50 )
olcAttributeTypes: ( 1.3.6.1.4.1.4203.666.17.4 NAME 'ipPhone' EQUALITY telephoneNumberMatch SUBSTR telephoneNumberSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.50 SINGLE-VALUE )
olcAttributeTypes: ( 1.3.6.1.4.1.4203.666.17.5 NAME 'thumbnailPhoto' SYNTAX 1.3.6.1.4.1.1466.115.121.1.40 SINGLE-VALUE )
olcAttributeTypes: ( 1.3.6.1.4.1.4203.666.17.6 NAME 'objectGUID' EQUALITY octetStringMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.40 SINGLE-VALUE )
olcAttributeTypes: ( 1.3.6.1.4.1.4203.666.17.7 NAME 'userAccountControl' EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )
olcAttributeTypes: ( 1.3.6.1.4.1.4203.666.17.8 NAME 'objectCategory' EQUALITY caseIgnoreMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
olcObjectClasses: ( 1.3.6.1.4.1.4203.666.17.100 NAME 'user' SUP inetOrgPerson STRUCTURAL MAY ( company $ department $ otherTelephone $ ipPhone $ thumbnailPhoto $ objectGUID $ userAccountControl $ objectCategory ) )
`

// configLDIF is the cn=config tree slapadd -n0 builds the server's
// configuration directory from: the mdb backend, the core, cosine,
// inetorgperson and AD-like schemas, one database under dir/db.
func configLDIF(dir string, o Options, tls *certs) string {
	var b strings.Builder
	fmt.Fprintf(&b, "dn: cn=config\nobjectClass: olcGlobal\ncn: config\nolcPidFile: %s/slapd.pid\n", dir)
	if tls != nil {
		fmt.Fprintf(&b, "olcTLSCACertificateFile: %s\nolcTLSCertificateFile: %s\nolcTLSCertificateKeyFile: %s\n",
			tls.caFile, tls.certFile, tls.keyFile)
	}
	b.WriteString(`
dn: cn=module{0},cn=config
objectClass: olcModuleList
cn: module{0}
olcModulePath: /usr/lib/ldap
olcModuleLoad: back_mdb

dn: cn=schema,cn=config
objectClass: olcSchemaConfig
cn: schema

`)
	for _, s := range []string{"core", "cosine", "inetorgperson"} {
		fmt.Fprintf(&b, "include: file://%s/%s.ldif\n\n", schemaDir, s)
	}
	b.WriteString(adSchema)
	if o.SizeLimit == "" {
		o.SizeLimit = DefaultSizeLimit
	}
	fmt.Fprintf(&b, `
dn: olcDatabase={-1}frontend,cn=config
objectClass: olcDatabaseConfig
objectClass: olcFrontendConfig
olcDatabase: {-1}frontend

dn: olcDatabase={0}config,cn=config
objectClass: olcDatabaseConfig
olcDatabase: {0}config
olcAccess: {0}to * by * none

dn: olcDatabase={1}mdb,cn=config
objectClass: olcDatabaseConfig
objectClass: olcMdbConfig
olcDatabase: {1}mdb
olcSuffix: %s
olcDbDirectory: %s/db
olcDbMaxSize: %d
olcRootDN: cn=admin,%s
olcRootPW: %s
olcDbIndex: objectClass eq
olcSizeLimit: %s
olcAccess: {0}to attrs=userPassword by anonymous auth by * none
olcAccess: {1}to * by users read by * none
`, Suffix, dir, dbMaxSize, Suffix, rootPW, o.SizeLimit)
	return b.String()
}

// dbMaxSize is the mdb map size: a sparse file, so 1 GiB costs nothing
// and takes 10,000 entries with photos many times over.
const dbMaxSize = 1 << 30

// baseLDIF is the tree every server starts with: the suffix, the two
// branches and the reader a source binds as, with password (base64 in
// the LDIF, so spaces around it stay part of it).
func baseLDIF(password string) string {
	return fmt.Sprintf(`dn: %s
objectClass: dcObject
objectClass: organization
dc: deskline
o: Deskline test

dn: %s
objectClass: organizationalUnit
ou: people

dn: %s
objectClass: organizationalUnit
ou: ad

dn: %s
objectClass: organizationalRole
objectClass: simpleSecurityObject
cn: reader
userPassword:: %s

`, Suffix, People, AD, BindDN, base64.StdEncoding.EncodeToString([]byte(password)))
}
