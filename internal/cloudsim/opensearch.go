package cloudsim

import (
	"net/http"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/opensearch"
	ostypes "github.com/aws/aws-sdk-go-v2/service/opensearch/types"
)

// The OpenSearch Service API (2021-01-01) serves OpenSearch and legacy
// Elasticsearch domains alike, so the older Elasticsearch Service API
// (2015-01-01) is not simulated.
func init() {
	register("opensearch", true,
		opAction("ListDomainNames", "es:ListDomainNames", osListDomainNames),
		opAction("DescribeDomain", "es:DescribeDomain", osDescribeDomain),
		opAction("DescribeDomains", "es:DescribeDomains", osDescribeDomains),
		opAction("ListTags", "es:ListTags", osListTags),
	)
}

// opensearchOperation names an OpenSearch Service request by method and
// path.
func opensearchOperation(r *http.Request) string {
	parts := pathSegments(r)
	switch {
	case r.Method == http.MethodGet && len(parts) == 2 && parts[0] == "2021-01-01" && parts[1] == "domain":
		return "ListDomainNames"
	case r.Method == http.MethodGet && len(parts) == 4 && parts[0] == "2021-01-01" && parts[1] == "opensearch" && parts[2] == "domain":
		return "DescribeDomain"
	case r.Method == http.MethodPost && len(parts) == 3 && parts[0] == "2021-01-01" && parts[1] == "opensearch" && parts[2] == "domain-info":
		return "DescribeDomains"
	case r.Method == http.MethodGet && len(parts) == 2 && parts[0] == "2021-01-01" && parts[1] == "tags":
		return "ListTags"
	}
	return r.Method + " " + r.URL.Path
}

// engineType is the engine a domain runs, from its EngineVersion
// ("OpenSearch_2.13", "Elasticsearch_7.10").
func engineType(d *ostypes.DomainStatus) ostypes.EngineType {
	if strings.HasPrefix(aws.ToString(d.EngineVersion), "Elasticsearch_") {
		return ostypes.EngineTypeElasticsearch
	}
	return ostypes.EngineTypeOpenSearch
}

func osListDomainNames(c *call) error {
	want := c.r.URL.Query().Get("engineType")
	switch want {
	case "", string(ostypes.EngineTypeOpenSearch), string(ostypes.EngineTypeElasticsearch):
	default:
		return c.invalidParameter("1 validation error detected: Value '%s' at 'engineType' failed to satisfy constraint: Member must satisfy enum value set: [OpenSearch, Elasticsearch]", want)
	}
	out := &opensearch.ListDomainNamesOutput{DomainNames: []ostypes.DomainInfo{}}
	for i := range c.regionState().Domains {
		d := &c.regionState().Domains[i]
		if t := engineType(&d.DomainStatus); want == "" || string(t) == want {
			out.DomainNames = append(out.DomainNames, ostypes.DomainInfo{DomainName: d.DomainName, EngineType: t})
		}
	}
	return c.writeOutput(out)
}

func (c *call) findDomain(name string) *Domain {
	for i := range c.regionState().Domains {
		if d := &c.regionState().Domains[i]; aws.ToString(d.DomainName) == name {
			return d
		}
	}
	return nil
}

func osDescribeDomain(c *call) error {
	name := pathSegments(c.r)[3]
	d := c.findDomain(name)
	if d == nil {
		return errorf(409, "ResourceNotFoundException", "Domain not found: %s", name)
	}
	return c.writeOutput(&opensearch.DescribeDomainOutput{DomainStatus: &d.DomainStatus})
}

func osDescribeDomains(c *call) error {
	var in opensearch.DescribeDomainsInput
	if err := c.decodeJSON(&in); err != nil {
		return err
	}
	if n := len(in.DomainNames); n == 0 || n > 5 {
		return c.invalidParameter("1 validation error detected: Value at 'domainNames' failed to satisfy constraint: Member must have length between 1 and 5")
	}
	// Names that do not exist are left out of the answer.
	out := &opensearch.DescribeDomainsOutput{DomainStatusList: []ostypes.DomainStatus{}}
	for _, name := range in.DomainNames {
		if d := c.findDomain(name); d != nil {
			out.DomainStatusList = append(out.DomainStatusList, d.DomainStatus)
		}
	}
	return c.writeOutput(out)
}

// osListTags answers a domain's tags; the domain is named by its ARN in
// the arn query parameter.
func osListTags(c *call) error {
	arn := c.r.URL.Query().Get("arn")
	if !strings.HasPrefix(arn, "arn:") {
		return c.invalidParameter("1 validation error detected: Value '%s' at 'arn' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:.+", arn)
	}
	for i := range c.regionState().Domains {
		if d := &c.regionState().Domains[i]; aws.ToString(d.ARN) == arn {
			return c.writeOutput(&opensearch.ListTagsOutput{TagList: append([]ostypes.Tag{}, d.Tags...)})
		}
	}
	return errorf(409, "ResourceNotFoundException", "Domain not found: %s", arn)
}
