package tfmap

import (
	"github.com/parapet-dev/parapet/internal/awsshape"
)

func init() {
	register("aws_kms_key", mapKMSKey)
	register("aws_kms_external_key", mapKMSKey)
	joined("aws_kms_alias")
}

// mapKMSKey maps a customer managed key. Rotation applies only to
// symmetric keys with key material KMS generates (KeyRotationEnabled is
// null otherwise, as GetKeyRotationStatus leaves it); it is off unless
// enable_key_rotation says so.
func mapKMSKey(m *mapping) {
	a, r := m.a, m.r
	external := r.Type == "aws_kms_external_key"
	k := awsshape.Key{
		KeyId:       a.known("key_id"),
		Arn:         a.known("arn"),
		Description: a.str("description", "Description"),
		KeyManager:  "CUSTOMER",
		KeyUsage:    a.strOr("key_usage", "KeyUsage", "ENCRYPT_DECRYPT"),
		Origin:      "AWS_KMS",
		MultiRegion: a.boolean("multi_region", "MultiRegion", false),
	}
	switch {
	case external:
		k.Origin = "EXTERNAL"
	case a.has("xks_key_id"):
		k.Origin = "EXTERNAL_KEY_STORE"
	case a.has("custom_key_store_id"):
		k.Origin = "AWS_CLOUDHSM"
	}
	spec := "key_spec"
	if !a.has(spec) {
		spec = "customer_master_key_spec"
	}
	k.KeySpec = a.strOr(spec, "KeySpec", "SYMMETRIC_DEFAULT")
	enabledArg := "is_enabled"
	if external {
		enabledArg = "enabled"
	}
	k.Enabled = a.boolean(enabledArg, "Enabled", true)
	if _, unknown := isUnknown(a.raw(enabledArg)); unknown {
		m.unknown("KeyState", enabledArg, "")
	} else if k.Enabled {
		k.KeyState = "Enabled"
	} else {
		k.KeyState = "Disabled"
	}
	// An external key without key material is pending import.
	if external && !a.has("key_material_base64") {
		k.KeyState, k.Enabled = "PendingImport", false
	}
	if k.KeySpec == "SYMMETRIC_DEFAULT" && k.Origin == "AWS_KMS" {
		on := a.boolean("enable_key_rotation", "KeyRotationEnabled", false)
		if _, unknown := isUnknown(a.raw("enable_key_rotation")); !unknown {
			k.KeyRotationEnabled = &on
		}
	}
	// Keys have no name; an alias of this configuration is the best one.
	name := ""
	for _, c := range m.ix.linked("aws_kms_alias", "target_key_id", r, idsOf(r, "key_id", "arn", "id")...) {
		if n, ok := c.Attributes["name"].(string); ok {
			name = n
			break
		}
	}
	m.emit(awsshape.TypeKMSKey, name, k)
}
