package cloudsim

// managedPolicy is a built-in AWS managed policy. Documents are shortened
// versions of the real ones with the same shape and the same intent
// (administrator, read-only, audit, power user, view-only), enough for
// policy-analysis checks to reach the real verdicts.
type managedPolicy struct {
	name, path, description, document string
}

var awsManagedPolicies = map[string]managedPolicy{}

func init() {
	for _, p := range []managedPolicy{
		{
			name: "AdministratorAccess", path: "/",
			description: "Provides full access to AWS services and resources.",
			document:    `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`,
		},
		{
			name: "PowerUserAccess", path: "/",
			description: "Provides full access to AWS services and resources, but does not allow management of Users and groups.",
			document: `{"Version":"2012-10-17","Statement":[` +
				`{"Effect":"Allow","NotAction":["iam:*","organizations:*","account:*"],"Resource":"*"},` +
				`{"Effect":"Allow","Action":["account:GetAccountInformation","account:ListRegions","iam:CreateServiceLinkedRole","iam:DeleteServiceLinkedRole","iam:ListRoles","organizations:DescribeOrganization"],"Resource":"*"}]}`,
		},
		{
			name: "ReadOnlyAccess", path: "/",
			description: "Provides read-only access to AWS services and resources.",
			document: `{"Version":"2012-10-17","Statement":[{"Sid":"ReadOnlyActions","Effect":"Allow","Action":[` +
				`"cloudtrail:Describe*","cloudtrail:Get*","cloudtrail:List*","cloudtrail:LookupEvents",` +
				`"config:Describe*","config:Get*","config:List*",` +
				`"ec2:Describe*","ec2:Get*","guardduty:Get*","guardduty:List*",` +
				`"iam:Generate*","iam:Get*","iam:List*","kms:Describe*","kms:Get*","kms:List*",` +
				`"organizations:Describe*","organizations:List*","rds:Describe*","rds:List*",` +
				`"s3:Get*","s3:List*","sts:GetCallerIdentity"],"Resource":"*"}]}`,
		},
		{
			name: "SecurityAudit", path: "/",
			description: "The security audit template grants access to read security configuration metadata.",
			document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[` +
				`"cloudtrail:DescribeTrails","cloudtrail:GetEventSelectors","cloudtrail:GetTrailStatus","cloudtrail:ListTags",` +
				`"config:Describe*","ec2:Describe*","ec2:GetEbsEncryptionByDefault","guardduty:Get*","guardduty:List*",` +
				`"iam:GenerateCredentialReport","iam:Get*","iam:List*","kms:Describe*","kms:Get*","kms:List*",` +
				`"organizations:Describe*","organizations:List*","rds:Describe*",` +
				`"s3:GetAccountPublicAccessBlock","s3:GetBucket*","s3:GetEncryptionConfiguration","s3:GetLifecycleConfiguration",` +
				`"s3:ListAllMyBuckets","s3:ListBucket"],"Resource":"*"}]}`,
		},
		{
			name: "ViewOnlyAccess", path: "/job-function/",
			description: "This policy grants permissions to view resources and basic metadata across all AWS services.",
			document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[` +
				`"cloudtrail:DescribeTrails","cloudtrail:GetTrailStatus","config:Describe*","ec2:Describe*",` +
				`"guardduty:List*","iam:List*","kms:List*","organizations:List*","rds:Describe*","s3:ListAllMyBuckets"],"Resource":"*"}]}`,
		},
	} {
		awsManagedPolicies["arn:aws:iam::aws:policy"+p.path+p.name] = p
	}
}
