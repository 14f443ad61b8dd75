# A btrfs file system on a loop device, for the snapshot flow. Source this file; needs root and
# btrfs-progs. Always pair with btrfs_volume_destroy in a trap.
#   btrfs_volume_create IMG MOUNTPOINT SIZE   mkfs, mount, and a subvolume MOUNTPOINT/vol
#   btrfs_volume_destroy IMG MOUNTPOINT       delete snapshots, unmount, free the loop device
btrfs_volume_create() {
    local img=$1 mnt=$2 size=${3:-400M}
    truncate -s "$size" "$img" && mkfs.btrfs -q "$img" >/dev/null || return 1
    mkdir -p "$mnt"
    mount -o loop "$img" "$mnt" || return 1
    btrfs subvolume create "$mnt/vol" >/dev/null
}

btrfs_volume_destroy() {
    local img=$1 mnt=$2 loop
    if mountpoint -q "$mnt" 2>/dev/null; then
        loop=$(findmnt -n -o SOURCE "$mnt" 2>/dev/null)
        umount "$mnt" 2>/dev/null || umount -l "$mnt" 2>/dev/null || true
        case "$loop" in /dev/loop*) losetup -d "$loop" 2>/dev/null || true ;; esac
    fi
    # A loop device left attached to the image by an earlier failure.
    for loop in $(losetup -j "$img" -O NAME -n 2>/dev/null); do losetup -d "$loop" 2>/dev/null || true; done
    rm -f "$img"
}
