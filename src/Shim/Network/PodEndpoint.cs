namespace AotShim.Shim.Network;

/// <summary>
/// A pod interface connected to the VM: the tap (tcfilter) or macvtap (macvtap) made for it, and the MAC the guest's
/// NIC carries. VethMacBefore is set when the model changed the veth's MAC, so teardown can restore it.
/// </summary>
public sealed record PodEndpoint(PodInterface Veth, string Model, string TapName, string GuestMac, string? VethMacBefore);
