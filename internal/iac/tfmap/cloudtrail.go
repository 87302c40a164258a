package tfmap

import (
	"github.com/parapet-dev/parapet/internal/awsshape"
)

func init() {
	register("aws_cloudtrail", mapTrail)
}

// mapTrail maps a trail. CreateTrail's defaults: single-region, global
// service events included, no log file validation; Terraform starts
// logging unless enable_logging is false. A trail without selectors logs
// all management events, which GetEventSelectors reports as one basic
// selector.
func mapTrail(m *mapping) {
	a := m.a
	name := a.str("name", "Name")
	t := awsshape.Trail{
		Name:                       name,
		TrailARN:                   a.known("arn"),
		HomeRegion:                 m.ix.region(m.r),
		IsMultiRegionTrail:         a.boolean("is_multi_region_trail", "IsMultiRegionTrail", false),
		IsOrganizationTrail:        a.boolean("is_organization_trail", "IsOrganizationTrail", false),
		IncludeGlobalServiceEvents: a.boolean("include_global_service_events", "IncludeGlobalServiceEvents", true),
		LogFileValidationEnabled:   a.boolean("enable_log_file_validation", "LogFileValidationEnabled", false),
		S3BucketName:               a.str("s3_bucket_name", "S3BucketName"),
		KmsKeyId:                   a.str("kms_key_id", "KmsKeyId"),
		CloudWatchLogsLogGroupArn:  a.str("cloud_watch_logs_group_arn", "CloudWatchLogsLogGroupArn"),
		IsLogging:                  a.boolean("enable_logging", "IsLogging", true),
		EventSelectors:             []awsshape.EventSelector{},
		AdvancedEventSelectors:     []awsshape.AdvancedEventSelector{},
	}
	m.relate(relDeliversTo, a.raw("s3_bucket_name"))
	m.relate(relEncryptedWith, a.raw("kms_key_id"))
	for _, b := range a.blocks("event_selector", "EventSelectors") {
		const f = "EventSelectors"
		es := awsshape.EventSelector{
			ReadWriteType:           b.strOr("read_write_type", f, "All"),
			IncludeManagementEvents: b.boolean("include_management_events", f, true),
			DataResources:           []awsshape.DataResource{},
		}
		for _, d := range b.blocks("data_resource", f) {
			es.DataResources = append(es.DataResources, awsshape.DataResource{Type: d.str("type", f), Values: d.strs("values", f)})
		}
		t.EventSelectors = append(t.EventSelectors, es)
	}
	for _, b := range a.blocks("advanced_event_selector", "AdvancedEventSelectors") {
		const f = "AdvancedEventSelectors"
		as := awsshape.AdvancedEventSelector{Name: b.str("name", f), FieldSelectors: []awsshape.FieldSelector{}}
		for _, fs := range b.blocks("field_selector", f) {
			as.FieldSelectors = append(as.FieldSelectors, awsshape.FieldSelector{
				Field:         fs.str("field", f),
				Equals:        fs.strs("equals", f),
				NotEquals:     fs.strs("not_equals", f),
				StartsWith:    fs.strs("starts_with", f),
				NotStartsWith: fs.strs("not_starts_with", f),
			})
		}
		t.AdvancedEventSelectors = append(t.AdvancedEventSelectors, as)
	}
	if len(t.EventSelectors) == 0 && len(t.AdvancedEventSelectors) == 0 && !a.has("event_selector") && !a.has("advanced_event_selector") {
		t.EventSelectors = []awsshape.EventSelector{{ReadWriteType: "All", IncludeManagementEvents: true, DataResources: []awsshape.DataResource{}}}
	}
	m.emit(awsshape.TypeTrail, name, t)
}
