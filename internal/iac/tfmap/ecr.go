package tfmap

import (
	"github.com/parapet-dev/parapet/internal/awsshape"
)

func init() {
	register("aws_ecr_repository", mapECRRepository)
	joined("aws_ecr_repository_policy", "aws_ecr_lifecycle_policy")
}

// mapECRRepository maps a repository with its policy and lifecycle
// policy. Defaults are CreateRepository's: tags mutable, no scan on push,
// AES256 encryption.
func mapECRRepository(m *mapping) {
	a, r := m.a, m.r
	name := a.str("name", "RepositoryName")
	repo := awsshape.ECRRepository{
		RepositoryName:     name,
		RepositoryArn:      a.known("arn"),
		RepositoryUri:      a.known("repository_url"),
		ImageTagMutability: a.strOr("image_tag_mutability", "ImageTagMutability", "MUTABLE"),
	}
	if sc, ok := a.block("image_scanning_configuration", "ImageScanningConfiguration"); ok {
		repo.ImageScanningConfiguration.ScanOnPush = sc.boolean("scan_on_push", "ImageScanningConfiguration.ScanOnPush", false)
	}
	repo.EncryptionConfiguration.EncryptionType = "AES256"
	if ec, ok := a.block("encryption_configuration", "EncryptionConfiguration"); ok {
		repo.EncryptionConfiguration = awsshape.ECREncryption{
			EncryptionType: ec.strOr("encryption_type", "EncryptionConfiguration.EncryptionType", "AES256"),
			// KMS without a key uses the AWS managed key aws/ecr, whose ARN
			// only the account knows.
			KmsKey: ec.str("kms_key", "EncryptionConfiguration.KmsKey"),
		}
		m.relate(relEncryptedWith, ec.raw("kms_key"))
	}
	ids := idsOf(r, "name", "id")
	if ps := m.ix.linked("aws_ecr_repository_policy", "repository", r, ids...); len(ps) > 0 {
		repo.Policy = m.on(ps[0]).policy("policy", "Policy")
	}
	if ls := m.ix.linked("aws_ecr_lifecycle_policy", "repository", r, ids...); len(ls) > 0 {
		repo.HasLifecyclePolicy = true
	}
	m.emit(awsshape.TypeECRRepository, name, repo)
}
