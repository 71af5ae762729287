//! Texts the sandbox keeps in its records as the service words them in English — lifecycle
//! stages (`stageDesc`), component descriptions, a cluster's error info — answered in the
//! request's language when the record is sent (engines store one form; the response picks).

use lakedeck_api::mrs::Cluster;

use crate::lang::Lang;

/// The Chinese of a stage text, as the MRS console words its stages.
pub fn stage_zh(en: &str) -> Option<&'static str> {
    Some(match en {
        "Verifying cluster parameters" => "校验集群参数",
        "Applying for cluster resources" => "申请集群资源",
        "Creating VM" => "创建虚拟机",
        "Initializing VM" => "初始化虚拟机",
        "Installing MRS Manager" => "安装MRS Manager",
        "Deploying cluster" => "部署集群",
        "Preparing for cluster expansion" => "准备扩容集群",
        "Adding node to the cluster" => "添加节点到集群",
        "Preparing for cluster shrink" => "准备缩容集群",
        "Decommissioning instance" => "退服实例",
        "Deleting VM" => "删除虚拟机",
        "Deleting node from the cluster" => "从集群中删除节点",
        "Deleting cluster" => "删除集群",
        "Releasing cluster resources" => "释放集群资源",
        _ => return None,
    })
}

/// The Chinese description of a component, by its name.
pub fn component_desc_zh(name: &str) -> Option<&'static str> {
    Some(match name {
        "Hadoop" => "用于处理大规模数据集的分布式数据处理框架",
        "HBase" => "分布式、面向列的 NoSQL 数据库",
        "Hive" => "便于查询和管理大规模数据集的数据仓库软件",
        "Spark2x" => "快速、通用的大规模数据处理引擎",
        "Flink" => "分布式流处理与批处理引擎",
        "Kafka" => "分布式、分区、多副本的提交日志服务",
        "Flume" => "用于收集、汇聚和传输日志数据的分布式服务",
        "Hue" => "Hadoop 组件的 Web 界面",
        "Oozie" => "Hadoop 作业的工作流调度器",
        "ZooKeeper" => "面向分布式应用的集中式协调服务",
        "Ranger" => "集中式安全管理框架",
        "Tez" => "用于复杂 DAG 数据处理任务的应用框架",
        "ClickHouse" => "面向联机分析处理的列式数据库",
        _ => return None,
    })
}

fn error_info_zh(en: &str) -> Option<&'static str> {
    Some(match en {
        "Heartbeat lost from a Core node; some services are unavailable." => "与一个 Core 节点的心跳中断，部分服务不可用。",
        _ => return None,
    })
}

/// `c` in the language of the request being answered.
pub fn cluster(mut c: Cluster) -> Cluster {
    if Lang::current() != Lang::Zh {
        return c;
    }
    if let Some(zh) = stage_zh(&c.stage_desc) {
        c.stage_desc = zh.to_string();
    }
    if let Some(zh) = error_info_zh(&c.error_info) {
        c.error_info = zh.to_string();
    }
    for comp in &mut c.component_list {
        if let Some(zh) = component_desc_zh(&comp.component_name) {
            comp.component_desc = zh.to_string();
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use lakedeck_api::mrs::{CREATE_STAGES, DELETE_STAGES, EXPAND_STAGES, SHRINK_STAGES};

    #[test]
    fn every_stage_has_its_chinese() {
        for s in CREATE_STAGES.iter().chain(EXPAND_STAGES).chain(SHRINK_STAGES).chain(DELETE_STAGES) {
            assert!(stage_zh(s).is_some(), "no Chinese for the stage {s:?}");
        }
    }

    #[test]
    fn english_requests_keep_the_record() {
        let c = Cluster { stage_desc: CREATE_STAGES[0].into(), ..Default::default() };
        assert_eq!(cluster(c.clone()), c);
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let zh = rt.block_on(Lang::Zh.scope(async { cluster(c) }));
        assert_eq!(zh.stage_desc, "校验集群参数");
    }
}
