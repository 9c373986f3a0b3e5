import { describe, expect, it } from 'vitest';
import { assessDisplays, parseXrandrMonitors } from '../../../../src-main/capture/integrity/display-parsers';
import {
  parseListeningPorts,
  remoteEvidenceFromEnv,
  remoteEvidenceFromPorts,
  remoteEvidenceFromProcesses,
} from '../../../../src-main/capture/integrity/remote-evidence';
import { vmEvidenceFromCpuinfo, vmEvidenceFromDmi, vmEvidenceFromMacs } from '../../../../src-main/capture/integrity/vm-evidence';
import { fixture } from './fixtures';

const dmi = JSON.parse(fixture('dmi-machines.json')) as Record<string, Record<string, string>>;

describe('virtual machine evidence', () => {
  it('names the hypervisor from DMI strings', () => {
    expect(vmEvidenceFromDmi(dmi.virtualbox!)).toContain('DMI product_name is "VirtualBox" (VirtualBox)');
    expect(vmEvidenceFromDmi(dmi.qemu!)).toEqual(['DMI sys_vendor is "QEMU" (QEMU)', 'DMI chassis_vendor is "QEMU" (QEMU)']);
    expect(vmEvidenceFromDmi(dmi.vmware!).length).toBeGreaterThanOrEqual(2);
    expect(vmEvidenceFromDmi(dmi.hyperv!)).toEqual(['DMI product_name is "Virtual Machine" (Hyper-V)']);
  });

  it('finds nothing on real laptops, or without DMI at all', () => {
    expect(vmEvidenceFromDmi(dmi.lenovo!)).toEqual([]);
    expect(vmEvidenceFromDmi(dmi.dell!)).toEqual([]);
    expect(vmEvidenceFromDmi({})).toEqual([]);
  });

  it('reads the hypervisor CPU flag', () => {
    expect(vmEvidenceFromCpuinfo(fixture('cpuinfo-guest.txt'))).toEqual(['the CPU reports the hypervisor flag (/proc/cpuinfo)']);
    expect(vmEvidenceFromCpuinfo(fixture('cpuinfo-host.txt'))).toEqual([]);
    expect(vmEvidenceFromCpuinfo('')).toEqual([]);
  });

  it('knows guest network cards by their maker prefix, not the host-only adapter', () => {
    expect(
      vmEvidenceFromMacs([
        { name: 'enp0s3', mac: '08:00:27:4e:66:a1\n' },
        { name: 'eth0', mac: '52:54:00:12:34:56' },
        { name: 'vboxnet0', mac: '0a:00:27:00:00:00' },
        { name: 'wlan0', mac: 'f4:8c:50:aa:bb:cc' },
        { name: 'lo', mac: '00:00:00:00:00:00' },
      ]),
    ).toEqual(['network card enp0s3 has a VirtualBox address (08:00:27:4e:66:a1)', 'network card eth0 has a QEMU/KVM address (52:54:00:12:34:56)']);
  });
});

describe('remote session evidence', () => {
  it('reads SSH and X forwarding from the environment', () => {
    expect(remoteEvidenceFromEnv({ SSH_CONNECTION: '10.0.0.2 51234 10.0.0.5 22', DISPLAY: 'localhost:10.0' })).toEqual([
      'started over SSH (SSH_CONNECTION=10.0.0.2 51234 10.0.0.5 22)',
      'the display is forwarded or remote (DISPLAY=localhost:10.0)',
    ]);
    expect(remoteEvidenceFromEnv({ SSH_CLIENT: '10.0.0.2 51234 22' })).toHaveLength(1);
    expect(remoteEvidenceFromEnv({ DISPLAY: ':0' })).toEqual([]);
    expect(remoteEvidenceFromEnv({ DISPLAY: 'unix:0' })).toEqual([]);
    expect(remoteEvidenceFromEnv({ XRDP_SESSION: '1', DISPLAY: ':10' })).toEqual(['an xrdp session (XRDP_SESSION is set)']);
  });

  it('parses listening ports from /proc/net/tcp', () => {
    expect(parseListeningPorts(fixture('proc-net-tcp.txt'))).toEqual([2024, 37225, 39821, 42097]);
    expect(parseListeningPorts(fixture('proc-net-tcp-vnc.txt'))).toContain(5901);
    expect(parseListeningPorts('')).toEqual([]);
  });

  it('counts only RDP and VNC listeners as remote desktop servers', () => {
    expect(remoteEvidenceFromPorts(parseListeningPorts(fixture('proc-net-tcp-vnc.txt')))).toEqual(['a VNC server listens on port 5901']);
    expect(remoteEvidenceFromPorts([22, 80, 3389, 5910])).toEqual(['a remote desktop (RDP) server listens on port 3389']);
  });

  it('names remote desktop server processes', () => {
    expect(remoteEvidenceFromProcesses([{ pid: 9, name: 'Xvnc' }, { pid: 10, name: 'bash' }, { pid: 11, name: 'xrdp-sesman' }])).toEqual([
      'a remote desktop server runs: Xvnc (pid 9)',
      'a remote desktop server runs: xrdp-sesman (pid 11)',
    ]);
  });
});

describe('xrandr --listmonitors (recorded from Xvfb)', () => {
  it('reads one screen', () => {
    expect(parseXrandrMonitors(fixture('xrandr-one.txt'))).toEqual([
      { name: 'screen', screen: 0, primary: false, width: 1024, height: 768, x: 0, y: 0, outputs: 1, mirrored: false },
    ]);
  });

  it('reads two side by side', () => {
    const d = parseXrandrMonitors(fixture('xrandr-two.txt'))!;
    expect(d.map((m) => [m.name, m.x, m.width, m.mirrored])).toEqual([
      ['vigil-left', 0, 512, false],
      ['vigil-right', 512, 512, false],
    ]);
    expect(assessDisplays(d)).toEqual({ count: 2, mirrored: false, evidence: '2 displays: vigil-left 512x768+0+0, vigil-right 512x768+512+0' });
  });

  it('marks two monitors over the same area as mirrored', () => {
    const d = parseXrandrMonitors(fixture('xrandr-mirrored.txt'))!;
    expect(d.every((m) => m.mirrored)).toBe(true);
    expect(d[1]!.outputs).toBe(0);
  });

  it('reads the primary flag and outputs of a laptop with HDMI', () => {
    const d = parseXrandrMonitors(fixture('xrandr-laptop-hdmi.txt'))!;
    expect(d.map((m) => [m.name, m.primary, m.x, m.width, m.height])).toEqual([
      ['eDP-1', true, 0, 1920, 1080],
      ['HDMI-1', false, 1920, 2560, 1440],
    ]);
  });

  it('refuses text that is not its output (count mismatch, garbage)', () => {
    expect(parseXrandrMonitors('')).toBeNull();
    expect(parseXrandrMonitors('Monitors: 2\n 0: +screen 1024/271x768/203+0+0  screen\n')).toBeNull();
    expect(parseXrandrMonitors('Monitors: 1\n what\n')).toBeNull();
    expect(parseXrandrMonitors("Can't open display :9\n")).toBeNull();
  });

  it('reads negative offsets (a screen left of the primary)', () => {
    expect(parseXrandrMonitors('Monitors: 1\n 0: +DP-1 1920/527x1080/296-1920+0  DP-1\n')![0]).toMatchObject({ x: -1920, y: 0 });
  });
});
