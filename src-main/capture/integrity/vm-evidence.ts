/**
 * Pure readers of virtual-machine evidence: DMI strings, the CPU's hypervisor flag, and
 * network cards whose maker prefix (OUI) belongs to a hypervisor. Each returns sentences of
 * evidence, empty when there is none.
 */

/** DMI files under /sys/class/dmi/id that name the machine's maker. */
export const DMI_FILES = ['sys_vendor', 'product_name', 'product_version', 'board_vendor', 'bios_vendor', 'chassis_vendor'] as const;

const DMI_SIGNS: [RegExp, string][] = [
  [/\bqemu\b/i, 'QEMU'],
  [/\bkvm\b/i, 'KVM'],
  [/vmware/i, 'VMware'],
  [/virtualbox|innotek/i, 'VirtualBox'],
  [/\bxen\b/i, 'Xen'],
  [/parallels/i, 'Parallels'],
  [/\bbochs\b/i, 'Bochs'],
  [/^virtual machine$/i, 'Hyper-V'],
  [/amazon ec2/i, 'Amazon EC2'],
  [/google compute engine/i, 'Google Compute Engine'],
  [/openstack/i, 'OpenStack'],
  [/cloud hypervisor|firecracker/i, 'a cloud hypervisor'],
];

export function vmEvidenceFromDmi(files: Partial<Record<(typeof DMI_FILES)[number], string>>): string[] {
  const out: string[] = [];
  for (const key of DMI_FILES) {
    const value = files[key]?.trim();
    if (!value) continue;
    const sign = DMI_SIGNS.find(([re]) => re.test(value));
    if (sign) out.push(`DMI ${key} is "${value}" (${sign[1]})`);
  }
  return out;
}

/** The `hypervisor` flag the CPU reports to a guest (/proc/cpuinfo `flags`). */
export function vmEvidenceFromCpuinfo(cpuinfo: string): string[] {
  const flags = /^flags\s*:\s*(.*)$/m.exec(cpuinfo)?.[1]?.split(/\s+/) ?? [];
  return flags.includes('hypervisor') ? ['the CPU reports the hypervisor flag (/proc/cpuinfo)'] : [];
}

/** Hypervisors' OUIs for guest network cards (not host-side adapters such as VirtualBox's 0a:00:27). */
const VM_OUIS: Record<string, string> = {
  '08:00:27': 'VirtualBox',
  '52:54:00': 'QEMU/KVM',
  '00:0c:29': 'VMware',
  '00:50:56': 'VMware',
  '00:05:69': 'VMware',
  '00:1c:14': 'VMware',
  '00:15:5d': 'Hyper-V',
  '00:1c:42': 'Parallels',
  '00:16:3e': 'Xen',
};

export function vmEvidenceFromMacs(cards: { name: string; mac: string }[]): string[] {
  const out: string[] = [];
  for (const { name, mac } of cards) {
    const oui = mac.trim().toLowerCase().slice(0, 8);
    const maker = VM_OUIS[oui];
    if (maker) out.push(`network card ${name} has a ${maker} address (${mac.trim().toLowerCase()})`);
  }
  return out;
}
