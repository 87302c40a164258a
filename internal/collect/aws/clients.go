package aws

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/opensearch"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	smithyendpoints "github.com/aws/smithy-go/endpoints"
)

// client returns the account's client of one service in one region,
// creating it on first use. Clients are cached because each one carries
// its own retry state (and, in adaptive mode, its own send rate), which
// must persist across the calls made to that region and service.
func client[T any](r *accountRun, service, region string, mk func(aws.Config, string) T) T {
	key := service + "/" + region
	r.clientsMu.Lock()
	defer r.clientsMu.Unlock()
	if c, ok := r.clients[key]; ok {
		return c.(T)
	}
	c := mk(r.cfg, region)
	r.clients[key] = c
	return c
}

func (r *accountRun) ec2(region string) *ec2.Client {
	return client(r, "ec2", region, func(cfg aws.Config, region string) *ec2.Client {
		return ec2.NewFromConfig(cfg, func(o *ec2.Options) { o.Region, o.Retryer = region, r.retryer("ec2", region) })
	})
}

func (r *accountRun) iam() *iam.Client {
	return client(r, "iam", r.home, func(cfg aws.Config, region string) *iam.Client {
		return iam.NewFromConfig(cfg, func(o *iam.Options) { o.Region, o.Retryer = region, r.retryer("iam", region) })
	})
}

func (r *accountRun) s3(region string) *s3.Client {
	custom := r.c.opts.EndpointURL != ""
	return client(r, "s3", region, func(cfg aws.Config, region string) *s3.Client {
		return s3.NewFromConfig(cfg, func(o *s3.Options) {
			o.Region, o.Retryer = region, r.retryer("s3", region)
			// A custom endpoint has no per-bucket DNS names.
			o.UsePathStyle = custom
		})
	})
}

func (r *accountRun) s3control() *s3control.Client {
	custom := r.c.opts.EndpointURL != ""
	return client(r, "s3control", r.home, func(cfg aws.Config, region string) *s3control.Client {
		return s3control.NewFromConfig(cfg, func(o *s3control.Options) {
			o.Region, o.Retryer = region, r.retryer("s3", region)
			if custom {
				o.EndpointResolverV2 = s3controlEndpoint{next: s3control.NewDefaultEndpointResolverV2()}
			}
		})
	})
}

// s3controlEndpoint serves S3 Control from a custom endpoint. The SDK's
// endpoint rules turn a custom endpoint into https://{AccountId}.{host}
// for operations that carry an account ID; a loopback endpoint has no such
// names. The account still travels in the x-amz-account-id header, which
// is what S3 Control reads. Only used when Options.EndpointURL is set, so
// real AWS endpoints resolve unchanged.
type s3controlEndpoint struct{ next s3control.EndpointResolverV2 }

func (e s3controlEndpoint) ResolveEndpoint(ctx context.Context, p s3control.EndpointParameters) (smithyendpoints.Endpoint, error) {
	p.RequiresAccountId = aws.Bool(false)
	return e.next.ResolveEndpoint(ctx, p)
}

func (r *accountRun) cloudtrail(region string) *cloudtrail.Client {
	return client(r, "cloudtrail", region, func(cfg aws.Config, region string) *cloudtrail.Client {
		return cloudtrail.NewFromConfig(cfg, func(o *cloudtrail.Options) { o.Region, o.Retryer = region, r.retryer("cloudtrail", region) })
	})
}

func (r *accountRun) kms(region string) *kms.Client {
	return client(r, "kms", region, func(cfg aws.Config, region string) *kms.Client {
		return kms.NewFromConfig(cfg, func(o *kms.Options) { o.Region, o.Retryer = region, r.retryer("kms", region) })
	})
}

func (r *accountRun) configService(region string) *configservice.Client {
	return client(r, "config", region, func(cfg aws.Config, region string) *configservice.Client {
		return configservice.NewFromConfig(cfg, func(o *configservice.Options) { o.Region, o.Retryer = region, r.retryer("config", region) })
	})
}

func (r *accountRun) guardduty(region string) *guardduty.Client {
	return client(r, "guardduty", region, func(cfg aws.Config, region string) *guardduty.Client {
		return guardduty.NewFromConfig(cfg, func(o *guardduty.Options) { o.Region, o.Retryer = region, r.retryer("guardduty", region) })
	})
}

func (r *accountRun) rds(region string) *rds.Client {
	return client(r, "rds", region, func(cfg aws.Config, region string) *rds.Client {
		return rds.NewFromConfig(cfg, func(o *rds.Options) { o.Region, o.Retryer = region, r.retryer("rds", region) })
	})
}

func (r *accountRun) ecr(region string) *ecr.Client {
	return client(r, "ecr", region, func(cfg aws.Config, region string) *ecr.Client {
		return ecr.NewFromConfig(cfg, func(o *ecr.Options) { o.Region, o.Retryer = region, r.retryer("ecr", region) })
	})
}

func (r *accountRun) eks(region string) *eks.Client {
	return client(r, "eks", region, func(cfg aws.Config, region string) *eks.Client {
		return eks.NewFromConfig(cfg, func(o *eks.Options) { o.Region, o.Retryer = region, r.retryer("eks", region) })
	})
}

// opensearch's throttling scope is its IAM prefix, es.
func (r *accountRun) opensearch(region string) *opensearch.Client {
	return client(r, "opensearch", region, func(cfg aws.Config, region string) *opensearch.Client {
		return opensearch.NewFromConfig(cfg, func(o *opensearch.Options) { o.Region, o.Retryer = region, r.retryer("es", region) })
	})
}

// Both load balancer APIs share the elasticloadbalancing endpoint, IAM
// prefix and throttling scope.
func (r *accountRun) elbv2(region string) *elbv2.Client {
	return client(r, "elbv2", region, func(cfg aws.Config, region string) *elbv2.Client {
		return elbv2.NewFromConfig(cfg, func(o *elbv2.Options) { o.Region, o.Retryer = region, r.retryer("elasticloadbalancing", region) })
	})
}

func (r *accountRun) elb(region string) *elb.Client {
	return client(r, "elb", region, func(cfg aws.Config, region string) *elb.Client {
		return elb.NewFromConfig(cfg, func(o *elb.Options) { o.Region, o.Retryer = region, r.retryer("elasticloadbalancing", region) })
	})
}

func (r *accountRun) lambda(region string) *lambda.Client {
	return client(r, "lambda", region, func(cfg aws.Config, region string) *lambda.Client {
		return lambda.NewFromConfig(cfg, func(o *lambda.Options) { o.Region, o.Retryer = region, r.retryer("lambda", region) })
	})
}
