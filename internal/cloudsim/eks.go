package cloudsim

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
)

func init() {
	register("eks", true,
		op("ListClusters", eksListClusters),
		op("DescribeCluster", eksDescribeCluster),
	)
}

// pathSegments splits a REST path into its unescaped segments.
func pathSegments(r *http.Request) []string {
	parts := strings.Split(strings.Trim(r.URL.EscapedPath(), "/"), "/")
	for i, p := range parts {
		if u, err := url.PathUnescape(p); err == nil {
			parts[i] = u
		}
	}
	return parts
}

// eksOperation names an EKS request by method and path.
func eksOperation(r *http.Request) string {
	parts := pathSegments(r)
	if r.Method == http.MethodGet && parts[0] == "clusters" {
		switch len(parts) {
		case 1:
			return "ListClusters"
		case 2:
			return "DescribeCluster"
		}
	}
	return r.Method + " " + r.URL.Path
}

func eksListClusters(c *call) error {
	c.form = c.r.URL.Query()
	limit, err := c.formInt("maxResults")
	if err != nil {
		return err
	}
	clusters := c.regionState().EKSClusters
	p, err := c.paginate(len(clusters), c.form.Get("nextToken"), limit, 100, 1, 100)
	if err != nil {
		return err
	}
	out := &eks.ListClustersOutput{Clusters: []string{}, NextToken: nextToken(p)}
	for _, cl := range clusters[p.start:p.end] {
		out.Clusters = append(out.Clusters, aws.ToString(cl.Name))
	}
	return c.writeOutput(out)
}

func eksDescribeCluster(c *call) error {
	name := pathSegments(c.r)[1]
	for i := range c.regionState().EKSClusters {
		cl := c.regionState().EKSClusters[i]
		if aws.ToString(cl.Name) == name {
			return c.writeOutput(&eks.DescribeClusterOutput{Cluster: &cl})
		}
	}
	return errorf(404, "ResourceNotFoundException", "No cluster found for name: %s.", name)
}
