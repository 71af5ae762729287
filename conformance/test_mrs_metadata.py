"""The metadata a create form is filled from, read with the official SDK: versions, version metadata,
flavors and availability zones — and a cluster created with what they offer."""

import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkmrs.v1 import ListAvailableZonesRequest, ShowMrsVersionMetadataRequest
from huaweicloudsdkmrs.v2 import CreateClusterRequest, ShowMrsFlavorsRequest, ShowMrsVersionListRequest

from test_mrs_clusters import create_body, group, unique


def test_versions_metadata_flavors_and_zones(v1, v2):
    versions = v2.show_mrs_version_list(ShowMrsVersionListRequest()).cluster_versions
    assert "MRS 3.1.0" in versions and len(versions) >= 4

    meta = v1.show_mrs_version_metadata(ShowMrsVersionMetadataRequest(version_name="MRS 3.1.0"))
    assert meta.name == "MRS 3.1.0"
    components = {c.name: c for c in meta.components}
    assert components["Hadoop"].version == "3.1.1"
    assert "NameNode" in components["Hadoop"].valid_roles
    assert "c6.4xlarge.4.linux.bigdata" in meta.flavors.core
    namenode = next(r for r in meta.role_deploy_meta if r.name == "NameNode")
    assert (namenode.component, namenode.node_preference) == ("Hadoop", "master")

    zones = v1.list_available_zones(ListAvailableZonesRequest(region_id="cn-north-4"))
    codes = [z.az_code for z in zones.available_zones]
    assert codes == ["cn-north-4a", "cn-north-4b", "cn-north-4c"] and zones.default_az_code == "cn-north-4a"
    assert zones.available_zones[0].az_tags.public_border_group == "center"

    flavors = v2.show_mrs_flavors(ShowMrsFlavorsRequest(version_name="MRS 3.1.0", availability_zone=codes[1]))
    assert flavors.version_name == "MRS 3.1.0"
    (az,) = flavors.available_flavors
    assert az.az_code == codes[1]
    core = [f.flavor_name for f in az.core]

    body = create_body(unique("meta"), availability_zone=az.az_code,
                       node_groups=[group("master_node_default_group", 2), group("core_node_analysis_group", 3)])
    body.node_groups[1].node_size = core[0]
    assert v2.create_cluster(CreateClusterRequest(body=body)).cluster_id


def test_unknown_version_and_region(v1, v2):
    with pytest.raises(ClientRequestException) as e:
        v1.show_mrs_version_metadata(ShowMrsVersionMetadataRequest(version_name="MRS 0.1"))
    assert (e.value.status_code, e.value.error_code) == (400, "0093")
    with pytest.raises(ClientRequestException) as e:
        v1.list_available_zones(ListAvailableZonesRequest(region_id="moon-1"))
    assert e.value.status_code == 400
