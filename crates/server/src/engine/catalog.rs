//! The sandbox's offer — MRS versions and their components, flavors, regions and zones, VPCs and
//! subnets, key pairs — kept as data in `data/sandbox-catalog.json`, not in code. The metadata and
//! VPC APIs serve it, and create requests are checked against it with the shared rules.

use std::sync::OnceLock;

use lakedeck_api::catalog::Catalog;

static CATALOG: OnceLock<Catalog> = OnceLock::new();

pub fn get() -> &'static Catalog {
    CATALOG.get_or_init(|| {
        serde_json::from_str(include_str!("../../data/sandbox-catalog.json")).expect("data/sandbox-catalog.json is a valid catalog")
    })
}

/// vCPUs and memory (GiB) of a flavor, from its name (8 vCPUs and 32 GiB when the name does not say).
pub fn flavor_size(name: &str) -> (u32, u32) {
    lakedeck_api::catalog::flavor_size(name).unwrap_or((8, 32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_data_file_is_complete() {
        let c = get();
        assert!(c.versions.len() >= 4 && c.flavors.len() >= 5 && c.regions.len() >= 3 && c.vpcs.len() >= 2);
        for v in &c.versions {
            for need in ["Hadoop", "Kafka", "ZooKeeper", "Spark2x", "Hive"] {
                assert!(v.component(need).is_some(), "{} lacks {need}", v.name);
            }
            assert!(v.components.iter().all(|c| !c.id.is_empty() && !c.version.is_empty() && !c.roles.is_empty()));
        }
        for f in &c.flavors {
            assert!(lakedeck_api::catalog::flavor_size(&f.name).is_some(), "{} names its size", f.name);
        }
        for v in &c.vpcs {
            assert!(!v.subnets.is_empty() && v.subnets.iter().all(|s| s.id.len() == 36 && !s.cidr.is_empty()));
        }
        assert_eq!(c.key_pairs.as_deref().map(<[String]>::len), Some(2));
    }
}
