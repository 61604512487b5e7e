package contacts

import (
	"fmt"
	"testing"
	"time"

	"github.com/nyaruka/phonenumbers"
)

func TestScratch(t *testing.T) {
	for _, s := range []string{"030 1234567", "+49 (0)30 1234567", "0049 30 1234567", "(030) 12 34 567", "+49-30-1234567;ext=89", "+49 30 1234567 ext. 89", "+49 30 1234567 x89", "201", "0800 FLOWERS", "0800-FLOWERS", "1-800-FLOWERS", "garbage", "hello 12", "12345678901234567890", "1", "+49 30 12", "0049301234567", "+41 44 668 18 00", "044 668 18 00", "tel:+49-30-1234567", "030/1234567-89", "+49 (30) 123-45 67 ext. 89", "0171 1234567", "01234", "+1 555 0100"} {
		for _, r := range []string{"DE", "US", "CH"} {
			n, err := phonenumbers.Parse(s, r)
			if err != nil {
				fmt.Printf("%-30q %s err %v\n", s, r, err)
				continue
			}
			fmt.Printf("%-30q %s e164=%s intl=%q ext=%q possible=%v valid=%v src=%v\n", s, r, phonenumbers.Format(n, phonenumbers.E164), phonenumbers.Format(n, phonenumbers.INTERNATIONAL), n.GetExtension(), phonenumbers.IsPossibleNumber(n), phonenumbers.IsValidNumber(n), n.GetCountryCodeSource())
		}
	}
	st := time.Now()
	for i := 0; i < 10000; i++ {
		n, _ := phonenumbers.Parse(fmt.Sprintf("+49 30 %07d", i), "DE")
		phonenumbers.Format(n, phonenumbers.E164)
	}
	fmt.Println("parse+e164", time.Since(st)/10000)
	st = time.Now()
	for i := 0; i < 10000; i++ {
		n, _ := phonenumbers.Parse(fmt.Sprintf("+49 30 %07d", i), "DE")
		phonenumbers.Format(n, phonenumbers.INTERNATIONAL)
		phonenumbers.IsPossibleNumber(n)
	}
	fmt.Println("parse+intl", time.Since(st)/10000)
}
